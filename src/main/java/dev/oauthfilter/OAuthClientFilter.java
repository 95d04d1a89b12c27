package dev.oauthfilter;

import dev.oauthfilter.config.TokenProviderLookup;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Puts {@code Authorization: Bearer <token>} on outgoing JAX-RS client requests.
 *
 * <p>Three ways to use it:
 * <pre>{@code
 * // 1. MicroProfile Rest Client: the filter finds its TokenProvider through CDI, else MicroProfile Config
 * @RegisterRestClient(configKey = "notes")
 * @RegisterProvider(OAuthClientFilter.class)
 * public interface NotesApi { @GET List<Note> all(); }
 *
 * // 2. A plain JAX-RS client
 * Client client = ClientBuilder.newClient().register(new OAuthClientFilter(TokenProvider.of(config)));
 *
 * // 3. By hand
 * String header = TokenProvider.of(config).authorizationHeader();
 * }</pre>
 *
 * <p>An {@code Authorization} header that the application set itself is left alone; otherwise the header is set
 * (never added twice). If no token can be had the request is not sent: the {@link TokenException} arrives as the
 * cause of a {@link jakarta.ws.rs.ProcessingException}. A Rest Client interface or method annotated
 * {@link OAuthClient @OAuthClient("name")} gets the named client's token.
 */
@Priority(Priorities.AUTHENTICATION)
public class OAuthClientFilter implements ClientRequestFilter {

    /** The request property in which MicroProfile Rest Client (1.2+) puts the invoked interface method. */
    static final String INVOKED_METHOD = "org.eclipse.microprofile.rest.client.invokedMethod";

    private static final Logger LOG = Logger.getLogger(OAuthClientFilter.class.getName());

    private final TokenProvider tokens;
    private final Map<String, TokenProvider> byClientName = new ConcurrentHashMap<>();

    /**
     * For {@code @RegisterProvider(OAuthClientFilter.class)}: the token provider of the client named by
     * {@link OAuthClient} (else the default client) is looked up in CDI, else built from MicroProfile Config.
     */
    public OAuthClientFilter() {
        this.tokens = null;
    }

    /**
     * @param tokens the provider whose tokens every request gets
     */
    public OAuthClientFilter(TokenProvider tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (setByApplication(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            LOG.fine(() -> "leaving the application's own Authorization header on " + request.getMethod() + " "
                    + request.getUri().getHost());
            return;
        }
        TokenProvider provider = tokens != null ? tokens
                : byClientName.computeIfAbsent(clientName(request), TokenProviderLookup::find);
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, provider.authorizationHeader());
    }

    private static boolean setByApplication(List<Object> values) {
        return values != null && values.stream().anyMatch(v -> v != null && !v.toString().isBlank());
    }

    private static String clientName(ClientRequestContext request) {
        Object invoked = request.getProperty(INVOKED_METHOD);
        if (invoked instanceof Method) {
            Method method = (Method) invoked;
            OAuthClient named = method.getAnnotation(OAuthClient.class);
            if (named == null) {
                named = method.getDeclaringClass().getAnnotation(OAuthClient.class);
            }
            if (named != null) {
                return named.value();
            }
        }
        return OAuthClientConfig.DEFAULT_NAME;
    }
}
