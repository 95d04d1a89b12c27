package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthFilterDelegate;
import dev.oauthfilter.RequestAuthorization;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.internal.clients.ConfiguredClient;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.core.HttpHeaders;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What {@link dev.oauthfilter.OAuthClientFilter} does: puts the client's token (and DPoP proof) on a request where
 * the client's policy allows it, and after the response, deals with a DPoP nonce challenge, a 401 (one replay with a
 * new token) and redirects (followed here, hop by hop, so that the token never reaches another origin).
 */
public final class AuthorizingFilter implements OAuthFilterDelegate.Filter {


    // One property per request, for the response filter: a Sent when the request carries the client's token, else
    // FOLLOW when the application wants redirects followed (absent otherwise: nothing to do).
    private static final String STATE = "dev.oauthfilter.state";
    private static final Object FOLLOW = new Object();
    private static final Set<Integer> REDIRECTS_STATUS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 5;

    private static final Logger LOG = Logger.getLogger(AuthorizingFilter.class.getName());

    // the client given to the constructor, or null: looked up per client name in the application's clients
    private final Route route;
    private final ApplicationClients clients;
    private final Map<String, Route> byClientName = new ConcurrentHashMap<>();

    /**
     * @param tokens  the provider whose tokens every request gets (a configured client's rules apply, whatever other
     *                clients share its token source), or null to find each request's client by name
     * @param clients the application's clients, where a client is found by name
     */
    public AuthorizingFilter(TokenProvider tokens, ApplicationClients clients) {
        this.route = tokens == null ? null : new Route(tokens, policyOf(tokens));
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** The rules of a configured client's provider; tokens of any other provider go anywhere, without replay. */
    static ClientPolicy policyOf(TokenProvider tokens) {
        return tokens instanceof ConfiguredClient ? ((ConfiguredClient) tokens).policy() : ClientPolicy.UNRESTRICTED;
    }

    @Override
    public void filter(ClientRequestContext request) {
        // Redirects are followed here, never by the connector, which would send every header to any origin
        boolean follow = RedirectControl.takeOver(request);
        Sent sent = authorize(request, follow);
        // the one property of the filter's own: what the response filter must know, written once
        if (sent != null) {
            request.setProperty(STATE, sent);
        } else if (follow) {
            request.setProperty(STATE, FOLLOW);
        }
    }

    /** Puts the client's token on the request where it belongs; returns what was sent, or null for no token. */
    private Sent authorize(ClientRequestContext request, boolean follow) {
        if (setByApplication(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            LOG.fine(() -> "leaving the application's own Authorization header on " + request.getMethod() + " "
                    + request.getUri().getHost());
            return null;
        }
        Route client = route != null ? route
                : byClientName.computeIfAbsent(ClientNames.of(request), name -> Route.of(clients.client(name)));
        if (!client.policy.allows(request.getUri())) {
            LOG.fine(() -> "no token for " + request.getUri().getHost() + ": not among the client's allowed hosts");
            return null;
        }
        AccessToken token = client.provider.token();
        if (token.isDPoP()) {
            // a proof for this request's method and URI, and the token it was made with; its own state, as the
            // response filter judges a refusal for want of a nonce by the nonce this proof carried
            RequestAuthorization authorization = client.provider.authorization(request.getMethod(), request.getUri());
            request.getHeaders().putSingle(RequestAuthorization.DPOP, authorization.dpopProof().orElseThrow());
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, authorization.authorizationHeader());
            return new Sent(authorization.token(), client.provider, client.policy, follow,
                    authorization.dpopNonce().orElse(null));
        }
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
        return client.sent(token, follow);
    }

    /** A client as the filter uses it: where its tokens come from and where they may go. */
    private static final class Route {
        final TokenProvider provider;
        final ClientPolicy policy;
        // the state of this client's last request, handed on while the token and the redirect choice stay the same,
        // so that a request allocates nothing: plain fields, as a Sent is immutable (a stale read costs one allocation)
        private Sent following;
        private Sent staying;

        Route(TokenProvider provider, ClientPolicy policy) {
            this.provider = provider;
            this.policy = policy;
        }

        static Route of(ConfiguredClient client) {
            return new Route(client, client.policy());
        }

        Sent sent(AccessToken token, boolean followRedirects) {
            Sent last = followRedirects ? following : staying;
            if (last != null && last.token == token) {
                return last;
            }
            Sent sent = new Sent(token, provider, policy, followRedirects, null);
            if (followRedirects) {
                following = sent;
            } else {
                staying = sent;
            }
            return sent;
        }
    }

    /** What the request filter did, for the response filter. */
    private static final class Sent {
        final AccessToken token;
        final TokenProvider provider;
        final ClientPolicy policy;
        final boolean followRedirects;
        // the server nonce the request's DPoP proof carried, or null
        final String dpopNonce;

        Sent(AccessToken token, TokenProvider provider, ClientPolicy policy, boolean followRedirects,
             String dpopNonce) {
            this.token = token;
            this.provider = provider;
            this.policy = policy;
            this.followRedirects = followRedirects;
            this.dpopNonce = dpopNonce;
        }
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        Object state = request.getProperty(STATE);
        if (state == null) {
            return;
        }
        Sent sent = state instanceof Sent ? (Sent) state : null;
        boolean follow = sent != null ? sent.followRedirects : state == FOLLOW;
        int status = response.getStatus();
        try {
            if (sent != null && sent.token.isDPoP() && askedForNonce(request, response, sent)) {
                return;
            }
            if (status == 401 && sent != null && sent.token.isDPoP()
                    && dpopChallengeSays(response, "invalid_dpop_proof")) {
                // the proof was refused, not the token: dropping it would cost this replica, and with a fleet cache
                // every replica, a token request per refusal while the same proof problem remains
                LOG.fine(() -> "the service at " + request.getUri().getHost() + " refused the DPoP proof"
                        + " (invalid_dpop_proof): the token is kept and the 401 returned");
                return;
            }
            if (status == 401 && sent != null) {
                replayAfterUnauthorized(request, response, sent, null);
            } else if (follow && REDIRECTS_STATUS.contains(status)) {
                RequestResender.Answer answer = followRedirects(request, status,
                        response.getHeaderString(HttpHeaders.LOCATION), null, sent,
                        credentials(sent, sentAuthorization(request)));
                if (answer != null && answer.status() == 401 && answer.authorized() && sent != null) {
                    // the client's token, refused after a same-origin redirect: as if the first answer was the 401
                    replayAfterUnauthorized(request, response, sent, answer);
                } else if (answer != null) {
                    answer.replace(response);
                }
            }
        } catch (TokenException | ProcessingException e) {
            // the caller gets the original answer, as it would have without the filter
            LOG.fine(() -> "could not send " + request.getMethod() + " " + request.getUri().getHost() + " again ("
                    + describe(e) + "); returning the original " + status);
        }
    }

    /**
     * Remembers the nonce a service sent with its answer (RFC 9449 §9); for a 401 that asks for a nonce, sends the
     * request once more with a proof that carries it, unless the refused proof already did. Such a refusal never
     * drops the token.
     *
     * @return whether the answer was such a refusal (dealt with here)
     */
    private boolean askedForNonce(ClientRequestContext request, ClientResponseContext response, Sent sent) {
        String nonce = response.getHeaderString(RequestAuthorization.DPOP + "-Nonce");
        if (nonce != null) {
            sent.provider.dpopNonce(request.getUri(), nonce);
        }
        if (response.getStatus() != 401 || !dpopChallengeSays(response, "use_dpop_nonce")) {
            return false;
        }
        if (nonce != null && !nonce.equals(sent.dpopNonce)) {
            resendWithNonce(request, response, sent);
        }
        return true;
    }

    /** Whether a 401 says {@code error="<error>"} ({@code use_dpop_nonce}, {@code invalid_dpop_proof}). */
    private static boolean dpopChallengeSays(ClientResponseContext response, String error) {
        List<String> challenges = response.getHeaders().get(HttpHeaders.WWW_AUTHENTICATE);
        if (challenges == null) {
            return false;
        }
        String wanted = "error=\"" + error + "\"";
        for (String challenge : challenges) {
            // the error is DPoP's own, whichever challenge of the header carries it
            if (challenge.replace(" ", "").contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Sends the request once more with a proof that carries the service's new nonce (same token). */
    private void resendWithNonce(ClientRequestContext request, ClientResponseContext response, Sent sent) {
        if (!RequestResender.entityReplayable(request)) {
            return;
        }
        LOG.fine(() -> "the service at " + request.getUri().getHost() + " asks for a DPoP nonce: sending "
                + request.getMethod() + " again with it");
        RequestResender.Answer answer = RequestResender.send(request, request.getUri(), request.getMethod(), true,
                true, sent.provider.authorization(request.getMethod(), request.getUri()).headers());
        if (sent.followRedirects && REDIRECTS_STATUS.contains(answer.status())) {
            answer = followRedirects(request, answer.status(), answer.header(HttpHeaders.LOCATION), answer, sent,
                    credentials(sent, null));
        }
        answer.replace(response);
    }

    /**
     * The credentials a request sent again carries, made for its method and target: for a DPoP-bound token of the
     * client, its token with a new proof for each request; else the given headers as they are (the Bearer token or
     * the application's own {@code Authorization} that the request carried, or the replay's new token).
     */
    private static Credentials credentials(Sent sent, Map<String, String> headers) {
        if (sent != null && sent.token.isDPoP()) {
            TokenProvider provider = sent.provider;
            return (method, target) -> provider.authorization(method, target).headers();
        }
        return headers == null ? null : (method, target) -> headers;
    }

    /** The {@code Authorization} header the request left with, if any. */
    private static Map<String, String> sentAuthorization(ClientRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        return authorization == null ? null : Map.of(HttpHeaders.AUTHORIZATION, authorization);
    }

    /** The headers that authorise one request sent again. */
    @FunctionalInterface
    private interface Credentials {
        Map<String, String> headers(String method, URI target);
    }

    /**
     * Drops the refused token and replays the request once with a new one, when that is possible and safe.
     *
     * @param refused the 401 a followed redirect ended with, which the caller gets if there is no replay; null when
     *                the response itself is the 401
     */
    private void replayAfterUnauthorized(ClientRequestContext request, ClientResponseContext response, Sent sent,
                                         RequestResender.Answer refused) {
        TokenProvider provider = sent.provider;
        boolean newTokenPossible = provider.invalidate(sent.token);
        if (!newTokenPossible || !sent.policy.retryOnUnauthorized() || !RequestResender.isReplayable(request)) {
            if (refused != null) {
                refused.replace(response);
            }
            return;
        }
        LOG.fine(() -> "401 from " + request.getUri().getHost() + ": replaying " + request.getMethod()
                + " once with a new token");
        RequestResender.Answer answer;
        Map<String, String> authorization;
        try {
            authorization = provider.authorization(request.getMethod(), request.getUri()).headers();
            // exactly one replay: it goes through a client without this filter, and a second 401 goes to the caller
            answer = RequestResender.send(request, request.getUri(), request.getMethod(), true, true, authorization);
        } catch (RuntimeException e) {
            // no new token or no replay: the caller gets the 401 it would have had
            if (refused != null) {
                refused.replace(response);
            }
            throw e;
        }
        if (refused != null) {
            refused.close();
        }
        if (sent.followRedirects && REDIRECTS_STATUS.contains(answer.status())) {
            answer = followRedirects(request, answer.status(), answer.header(HttpHeaders.LOCATION), answer, sent,
                    credentials(sent, authorization));
        }
        answer.replace(response);
    }

    /**
     * Follows redirects hop by hop, from the original response ({@code first} null) or from an answer
     * ({@code status} and {@code location} are those of the one to start from). The
     * {@code Authorization} header (the client's token or the application's own) goes along only while every hop
     * stays on the original request's origin, and for the client's token only to targets it allows; once a hop leaves
     * the origin, no later hop carries it.
     *
     * @return the last answer (open), {@code first} when no hop could be made from it, or null when no hop could be
     *         made from the original response (no usable target, or an entity that cannot be sent again: the caller
     *         then gets the redirect)
     */
    private static RequestResender.Answer followRedirects(ClientRequestContext request, int status, String location,
                                                          RequestResender.Answer first, Sent sent,
                                                          Credentials authorization) {
        URI origin = request.getUri();
        URI current = origin;
        String method = request.getMethod();
        boolean withEntity = request.hasEntity();
        boolean leftOrigin = false;
        RequestResender.Answer answer = first;
        for (int hop = 0; hop < MAX_REDIRECTS && REDIRECTS_STATUS.contains(status); hop++) {
            URI target = RequestResender.redirectTarget(current, location);
            boolean keepMethod = status == 307 || status == 308;
            if (target == null || keepMethod && withEntity && !RequestResender.entityReplayable(request)) {
                LOG.fine(() -> "not following a redirect of " + request.getMethod() + " " + origin.getHost()
                        + ": no usable Location, or an entity that cannot be sent again");
                break;
            }
            if (!keepMethod) {
                method = "HEAD".equalsIgnoreCase(method) ? method : "GET";
                withEntity = false;
            }
            leftOrigin |= !ClientPolicy.sameOrigin(origin, target);
            boolean carry = !leftOrigin && authorization != null && (sent == null || sent.policy.allows(target));
            int redirect = status;
            LOG.fine(() -> "following " + redirect + " to " + target.getHost()
                    + (carry ? " with the token" : " without the token"));
            RequestResender.Answer next;
            try {
                next = RequestResender.send(request, target, method, withEntity, !leftOrigin,
                        carry ? authorization.headers(method, target) : null);
            } finally {
                if (answer != null) {
                    answer.close();
                }
            }
            answer = next;
            status = answer.status();
            location = answer.header(HttpHeaders.LOCATION);
            current = target;
        }
        return answer;
    }

    private static String describe(RuntimeException e) {
        return e instanceof TokenException ? ((TokenException) e).code() : e.getClass().getSimpleName();
    }

    private static boolean setByApplication(List<Object> values) {
        if (values == null) {
            return false;
        }
        for (Object value : values) {
            if (value != null && !value.toString().isBlank()) {
                return true;
            }
        }
        return false;
    }
}
