package dev.oauthfilter.jaxrs;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a request again (a 401 replay, a redirect hop) from inside a response filter and puts the answer in place
 * of the old one, on every JAX-RS implementation.
 *
 * <p>The request goes through a new client of the same implementation, with the original client's TLS context,
 * host name verifier and Jersey connection settings, but none of its providers: re-sending through the original
 * client does not work on RESTEasy's MicroProfile Rest Client (its own request filters need the proxy's invoker,
 * which a request built by hand lacks) and would run the filters twice. The headers sent are the original request's
 * as they left, after every request filter ran. The new client follows no redirect; the answer is read into memory
 * and the client closed.
 */
public final class RequestResender {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final Set<String> NEVER_COPIED = Set.of("authorization", "content-length", "host");
    // credentials of another kind that must not follow a request to another origin either
    private static final Set<String> SAME_ORIGIN_ONLY = Set.of("cookie", "proxy-authorization");

    private RequestResender() {
    }

    /**
     * @param request a request that was sent
     * @return whether sending it again is safe: an idempotent method, and an entity that can be written again
     */
    public static boolean isReplayable(ClientRequestContext request) {
        return IDEMPOTENT.contains(request.getMethod().toUpperCase(Locale.ROOT)) && entityReplayable(request);
    }

    /**
     * @param request a request that was sent
     * @return whether its entity, if any, can be written a second time (not a stream, reader or streaming output)
     */
    public static boolean entityReplayable(ClientRequestContext request) {
        Object entity = request.hasEntity() ? request.getEntity() : null;
        return !(entity instanceof InputStream || entity instanceof Reader || entity instanceof StreamingOutput);
    }

    /**
     * Sends the request once more.
     *
     * @param request       the original request
     * @param uri           where to send it
     * @param method        the method
     * @param withEntity    whether to send the original entity (and its {@code Content-*} headers) again
     * @param sameOrigin    whether {@code uri} is of the original request's origin (cookies go only there)
     * @param authorization the {@code Authorization} header to send, or null for none
     * @return the answer, read whole
     * @throws ProcessingException when the request could not be sent or its answer not read
     */
    public static Answer send(ClientRequestContext request, URI uri, String method, boolean withEntity,
                              boolean sameOrigin, String authorization) {
        Client client = newClient(request);
        try {
            Invocation.Builder builder = client.target(uri).request();
            request.getStringHeaders().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NEVER_COPIED.contains(lower) && (withEntity || !lower.startsWith("content-"))
                        && (sameOrigin || !SAME_ORIGIN_ONLY.contains(lower))) {
                    values.forEach(value -> builder.header(name, value));
                }
            });
            if (authorization != null) {
                builder.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            try (Response answer = withEntity && request.hasEntity()
                    ? builder.method(method, Entity.entity(request.getEntity(), request.getMediaType()))
                    : builder.method(method)) {
                byte[] body = answer.hasEntity() ? answer.readEntity(byte[].class) : new byte[0];
                return new Answer(answer.getStatus(), new MultivaluedHashMap<>(answer.getStringHeaders()), body);
            }
        } finally {
            client.close();
        }
    }

    private static Client newClient(ClientRequestContext request) {
        ClientBuilder builder = ClientBuilder.newBuilder();
        Client original = request.getClient();
        SSLContext tls = original == null ? null : original.getSslContext();
        HostnameVerifier verifier = original == null ? null : original.getHostnameVerifier();
        if (tls != null) {
            builder.sslContext(tls);
        }
        if (verifier != null) {
            builder.hostnameVerifier(verifier);
        }
        // Jersey's connection settings (timeouts, proxy) are properties; RESTEasy's are not reachable
        for (Map.Entry<String, Object> property : request.getConfiguration().getProperties().entrySet()) {
            if (property.getKey().startsWith("jersey.config.client.") && property.getValue() != null) {
                builder.property(property.getKey(), property.getValue());
            }
        }
        builder.property(RedirectControl.JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE);
        return builder.build();
    }

    /**
     * @param base     the URI the redirect answered
     * @param location its {@code Location} header
     * @return the absolute redirect target, or null when there is none or it is not a URI
     */
    public static URI redirectTarget(URI base, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            URI target = base.resolve(location.strip());
            return target.getScheme() != null && target.getHost() != null ? target : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An answer read whole: status, headers, body. */
    public static final class Answer {
        private final int status;
        private final MultivaluedMap<String, String> headers;
        private final byte[] body;

        Answer(int status, MultivaluedMap<String, String> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        /** @return the HTTP status */
        public int status() {
            return status;
        }

        /** @return the first value of a header, or null */
        public String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
            return null;
        }

        /** Puts this answer in place of {@code response}'s status, headers and entity. */
        public void replace(ClientResponseContext response) {
            response.setStatus(status);
            response.getHeaders().clear();
            headers.forEach((name, values) -> response.getHeaders().put(name, values));
            response.setEntityStream(new ByteArrayInputStream(body));
        }

        @Override
        public String toString() {
            return "Answer[" + status + ", " + body.length + " bytes]";
        }
    }
}
