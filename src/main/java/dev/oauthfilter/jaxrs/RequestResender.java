package dev.oauthfilter.jaxrs;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Sends a request again through the client that sent it (so through the same filters) and puts the new answer in
 * place of the old one in the response context, as Jersey's own HTTP authentication filter does.
 */
public final class RequestResender {

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final Set<String> NOT_COPIED = Set.of("authorization", "content-length", "host");

    private RequestResender() {
    }

    /**
     * @param request a request that was sent
     * @return whether sending it again is safe: an idempotent method, and no entity or one that can be written again
     */
    public static boolean isReplayable(ClientRequestContext request) {
        if (!IDEMPOTENT.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            return false;
        }
        Object entity = request.hasEntity() ? request.getEntity() : null;
        return !(entity instanceof InputStream || entity instanceof Reader || entity instanceof StreamingOutput);
    }

    /**
     * Sends the request again and swaps the answer into {@code response}.
     *
     * @param request    the original request; its {@code Authorization} header is not copied
     * @param response   the original response, overwritten with the new answer
     * @param uri        where to send it
     * @param method     the method to use
     * @param withEntity whether to send the original entity again
     * @param copied     which of the original request's properties to copy to the new request
     * @param properties request properties to set on the new request, on top of the copied ones
     */
    public static void resend(ClientRequestContext request, ClientResponseContext response, URI uri, String method,
                              boolean withEntity, Predicate<String> copied, Map<String, Object> properties) {
        Invocation.Builder builder = request.getClient().target(uri).request();
        request.getHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_COPIED.contains(lower) && (withEntity || !lower.startsWith("content-"))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        for (String name : request.getPropertyNames()) {
            if (copied.test(name)) {
                builder.property(name, request.getProperty(name));
            }
        }
        properties.forEach(builder::property);
        Response answer = withEntity && request.hasEntity()
                ? builder.method(method, Entity.entity(request.getEntity(), request.getMediaType()))
                : builder.method(method);
        response.setStatus(answer.getStatus());
        response.getHeaders().clear();
        answer.getStringHeaders().forEach((name, values) -> response.getHeaders().put(name, values));
        response.setEntityStream(answer.hasEntity() ? answer.readEntity(InputStream.class)
                : new ByteArrayInputStream(new byte[0]));
    }

    /**
     * @param response a 3xx response
     * @param request  its request
     * @return the absolute redirect target, or null when there is none
     */
    public static URI redirectTarget(ClientRequestContext request, ClientResponseContext response) {
        String location = response.getHeaderString(HttpHeaders.LOCATION);
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            return request.getUri().resolve(location.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
