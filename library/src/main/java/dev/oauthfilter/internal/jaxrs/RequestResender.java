package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.OAuthClientFilter;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.WriterInterceptor;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a request again (a step of {@link FollowUp}: a nonce retry, a 401 replay, a redirect hop) from inside a
 * response filter and puts the answer in place of the old one, on every JAX-RS implementation.
 *
 * <p>The request goes through a new client of the same implementation (see {@code newClient}): re-sending through
 * the original client does not work on RESTEasy's MicroProfile Rest Client (its own request filters need the proxy's
 * invoker, which a request built by hand lacks). The headers sent are the original request's as they left, after
 * every request filter ran. The new client follows no redirect; the final answer's body is streamed to the caller and
 * the client closed with it. Which properties and providers each implementation's new client gets again is asked of
 * {@link JaxrsRuntime}.
 */
final class RequestResender {

    // a DPoP proof is made for one request: a request sent again gets its own or none
    /** The property that marks a request sent again by the filter: the filter leaves it alone. */
    static final String RESENT = "dev.oauthfilter.resent";

    private static final Set<String> NEVER_COPIED = Set.of("authorization", "dpop", "content-length", "host");
    // credentials of another kind that must not follow a request to another origin either
    private static final Set<String> SAME_ORIGIN_ONLY = Set.of("cookie", "proxy-authorization");
    private static final int MAX_DISCARDED_BYTES = 64 * 1024;
    private static final List<Class<?>> JAXRS_CONTRACTS = List.of(MessageBodyWriter.class, MessageBodyReader.class,
            WriterInterceptor.class, ReaderInterceptor.class, ClientRequestFilter.class, ContextResolver.class,
            ParamConverterProvider.class, Feature.class);

    private RequestResender() {
    }

    /**
     * Sends the request once more.
     *
     * @param request       the original request
     * @param uri           where to send it
     * @param method        the method
     * @param withEntity    whether to send the original entity (and its {@code Content-*} headers) again
     * @param sameOrigin    whether every request so far, {@code uri} included, stayed on the original request's origin
     *                      (cookies go only there)
     * @param credentials   the {@code Authorization} header to send (and a {@code DPoP} proof made for this method and
     *                      URI), by header name; null for none
     * @return the answer, open: {@link Answer#replace} hands its body on, {@link Answer#close} discards it
     * @throws ProcessingException when the request could not be sent
     */
    static Answer send(ClientRequestContext request, URI uri, String method, boolean withEntity,
                              boolean sameOrigin, Map<String, String> credentials) {
        Client client = newClient(request);
        try {
            Invocation.Builder builder = client.target(uri).request().property(RESENT, Boolean.TRUE);
            request.getStringHeaders().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NEVER_COPIED.contains(lower) && (withEntity || !lower.startsWith("content-"))
                        && (sameOrigin || !SAME_ORIGIN_ONLY.contains(lower))) {
                    values.forEach(value -> builder.header(name, value));
                }
            });
            if (credentials != null) {
                credentials.forEach(builder::header);
            }
            Response answer = withEntity && request.hasEntity()
                    ? builder.method(method, Entity.entity(request.getEntity(), request.getMediaType()))
                    : builder.method(method);
            return new Answer(client, answer);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * A client of the same implementation with the original client's TLS settings, its application providers
     * (entity writers and readers, interceptors, filters: an entity written by a client-registered writer is written
     * the same way again) but not the filter itself nor the MicroProfile Rest Client's internal ones, and its
     * connection properties (Jersey's and Liberty's are properties; a Rest Client's builder timeouts are not
     * reachable). It follows no redirect.
     */
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
        Configuration configuration = request.getConfiguration();
        for (Map.Entry<String, Object> property : configuration.getProperties().entrySet()) {
            if (property.getValue() != null && JaxrsRuntime.isConnectionProperty(property.getKey())) {
                builder.property(property.getKey(), property.getValue());
            }
        }
        JaxrsRuntime.connectorFollowsNoRedirects(builder);
        for (Object provider : configuration.getInstances()) {
            Class<?>[] contracts = applicationContracts(provider.getClass());
            if (contracts.length > 0) {
                builder.register(provider, contracts);
            }
        }
        for (Class<?> provider : configuration.getClasses()) {
            Class<?>[] contracts = applicationContracts(provider);
            if (contracts.length > 0 && configuration.getInstances().stream()
                    .noneMatch(instance -> instance.getClass() == provider)) {
                builder.register(provider, contracts);
            }
        }
        return builder.build();
    }

    /**
     * The contracts under which an application's provider is registered again: none for the library's own and the
     * runtime's internal ones, and never as a response filter (response filters run once, on the answer that
     * replaces the original in the caller's chain).
     */
    private static Class<?>[] applicationContracts(Class<?> type) {
        if (OAuthClientFilter.class.isAssignableFrom(type) || JaxrsRuntime.isRuntimeProvider(type)) {
            return new Class<?>[0];
        }
        return JAXRS_CONTRACTS.stream().filter(contract -> contract.isAssignableFrom(type)).toArray(Class<?>[]::new);
    }

    /**
     * The answer of a request sent again, as {@link FollowUp} reads it: open until {@link #replace} hands its body on
     * or {@link #close}.
     */
    static final class Answer implements FollowUp.Reply, AutoCloseable {
        private final Client client;
        private final Response response;

        Answer(Client client, Response response) {
            this.client = client;
            this.response = response;
        }

        @Override
        public int status() {
            return response.getStatus();
        }

        @Override
        public String header(String name) {
            return response.getHeaderString(name);
        }

        @Override
        public List<String> headers(String name) {
            return response.getStringHeaders().get(name);
        }

        /**
         * Puts this answer in place of {@code response}'s status, headers and entity. Its body is streamed, not
         * read into memory; closing it (as closing the caller's response does) releases this answer's client.
         */
        void replace(ClientResponseContext target) {
            // the answer being replaced is never read: read what is left of it (a 3xx or 401 body is small) so that
            // its connection goes back to the pool; closing it instead would close the response on RESTEasy
            try {
                InputStream replaced = target.getEntityStream();
                if (replaced != null) {
                    replaced.readNBytes(MAX_DISCARDED_BYTES);
                }
            } catch (IOException ignored) {
                // it is discarded either way
            }
            target.setStatus(response.getStatus());
            target.getHeaders().clear();
            response.getStringHeaders().forEach((name, values) -> target.getHeaders().put(name, values));
            InputStream body = response.hasEntity() ? response.readEntity(InputStream.class) : InputStream.nullInputStream();
            target.setEntityStream(new FilterInputStream(body) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Answer.this.close();
                    }
                }
            });
        }

        /** Discards the answer and releases its client. */
        @Override
        public void close() {
            try {
                response.close();
            } finally {
                client.close();
            }
        }

        @Override
        public String toString() {
            return "Answer[" + response.getStatus() + "]";
        }
    }
}
