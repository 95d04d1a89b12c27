package dev.oauthfilter;

import dev.oauthfilter.config.TokenProviderLookup;
import dev.oauthfilter.jaxrs.RequestResender;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *
 * <p>Tokens go only where configured: a request to a host outside the client's allowed hosts gets no token, and
 * redirects of requests that carry one are followed by the filter itself, so that the token is never sent to
 * another origin. When the service answers 401, the filter drops that token, gets a new one and replays the request
 * once, if the method is idempotent and the entity can be written again; a second 401 goes to the caller.
 */
@Priority(Priorities.AUTHENTICATION)
public class OAuthClientFilter implements ClientRequestFilter, ClientResponseFilter {

    /** The request property in which MicroProfile Rest Client (1.2+) puts the invoked interface method. */
    static final String INVOKED_METHOD = "org.eclipse.microprofile.rest.client.invokedMethod";

    // One property per request: the token sent and by whom (a Sent), or NO_TOKEN on a redirect to another origin.
    private static final String STATE = "dev.oauthfilter.state";
    private static final Object NO_TOKEN = new Object();
    private static final String REPLAYED = "dev.oauthfilter.replayed";
    private static final String REDIRECTS = "dev.oauthfilter.redirects";
    // Jersey's ClientProperties.FOLLOW_REDIRECTS, named here so the filter does not depend on Jersey
    private static final String JERSEY_FOLLOW_REDIRECTS = "jersey.config.client.followRedirects";
    private static final Set<Integer> REDIRECTS_STATUS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 5;

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
        if (request.getProperty(STATE) == NO_TOKEN) {
            return;
        }
        if (setByApplication(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            LOG.fine(() -> "leaving the application's own Authorization header on " + request.getMethod() + " "
                    + request.getUri().getHost());
            return;
        }
        TokenProvider provider = tokens != null ? tokens
                : byClientName.computeIfAbsent(clientName(request), TokenProviderLookup::find);
        if (!provider.allowsTarget(request.getUri())) {
            LOG.fine(() -> "no token for " + request.getUri().getHost() + ": not among the client's allowed hosts");
            return;
        }
        AccessToken token = provider.token();
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
        // Redirects of a request carrying a token are followed here, never by the connector (see followRedirect)
        boolean follow = !isFalse(request.getProperty(JERSEY_FOLLOW_REDIRECTS));
        request.setProperty(STATE, new Sent(token, provider, follow));
        request.setProperty(JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE);
    }

    /** What the request filter did, for the response filter. */
    private static final class Sent {
        final AccessToken token;
        final TokenProvider provider;
        final boolean followRedirects;

        Sent(AccessToken token, TokenProvider provider, boolean followRedirects) {
            this.token = token;
            this.provider = provider;
            this.followRedirects = followRedirects;
        }
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        Object state = request.getProperty(STATE);
        if (!(state instanceof Sent)) {
            return;
        }
        Sent sent = (Sent) state;
        if (response.getStatus() == 401) {
            replayAfterUnauthorized(request, response, sent);
        } else if (REDIRECTS_STATUS.contains(response.getStatus()) && sent.followRedirects
                && !isFalse(request.getConfiguration().getProperty(JERSEY_FOLLOW_REDIRECTS))) {
            followRedirect(request, response);
        }
    }

    private void replayAfterUnauthorized(ClientRequestContext request, ClientResponseContext response, Sent sent) {
        TokenProvider provider = sent.provider;
        if (request.getProperty(REPLAYED) != null) {
            LOG.fine(() -> "401 again after a replay with a new token: returning it to the caller");
            return;
        }
        boolean newTokenPossible = provider.invalidate(sent.token);
        if (!newTokenPossible || !provider.retryOnUnauthorized() || !RequestResender.isReplayable(request)) {
            return;
        }
        LOG.fine(() -> "401 from " + request.getUri().getHost() + ": replaying " + request.getMethod()
                + " once with a new token");
        try {
            RequestResender.resend(request, response, request.getUri(), request.getMethod(), true,
                    OAuthClientFilter::isApplicationProperty,
                    sent.followRedirects ? Map.of(REPLAYED, Boolean.TRUE)
                            : Map.of(REPLAYED, Boolean.TRUE, JERSEY_FOLLOW_REDIRECTS, Boolean.FALSE));
        } catch (ProcessingException e) {
            LOG.fine(() -> "the replay failed (" + e.getMessage() + "); returning the original 401");
        }
    }

    private void followRedirect(ClientRequestContext request, ClientResponseContext response) {
        URI target = RequestResender.redirectTarget(request, response);
        Object hops = request.getProperty(REDIRECTS);
        int done = hops instanceof Integer ? (Integer) hops : 0;
        if (target == null || done >= MAX_REDIRECTS) {
            return;
        }
        boolean sameOrigin = AllowedHosts.sameOrigin(request.getUri(), target);
        int status = response.getStatus();
        boolean keepMethod = status == 307 || status == 308;
        String method = keepMethod || "HEAD".equalsIgnoreCase(request.getMethod()) ? request.getMethod() : "GET";
        LOG.fine(() -> "following " + status + " to " + target.getHost()
                + (sameOrigin ? " with the token" : " without the token (another origin)"));
        // to another origin: no token, and the client's own redirect handling from there on
        RequestResender.resend(request, response, target, method, keepMethod, OAuthClientFilter::isApplicationProperty,
                sameOrigin ? Map.of(REDIRECTS, done + 1) : Map.of(STATE, NO_TOKEN));
    }

    private static boolean isApplicationProperty(String name) {
        return !name.startsWith("dev.oauthfilter.") && !name.equals(JERSEY_FOLLOW_REDIRECTS);
    }

    private static boolean isFalse(Object value) {
        return Boolean.FALSE.equals(value) || "false".equals(value);
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
