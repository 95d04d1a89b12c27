package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientPolicy;
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

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What {@link dev.oauthfilter.OAuthClientFilter} does: puts the client's token (and DPoP proof) on a request where
 * the client's policy allows it and remembers what it sent; after the response, one loop asks {@link FollowUp} what
 * comes next (a retry with a DPoP nonce, one replay with a new token after a 401, a redirect hop: followed here, so
 * that the token never reaches another origin), sends it through {@link RequestResender}, and hands the caller the
 * last answer.
 */
public final class AuthorizingFilter implements OAuthFilterDelegate.Filter {

    // One property per request, for the response filter: a Sent when the request carries the client's token or the
    // application wants redirects followed (absent otherwise: nothing to do).
    private static final String STATE = "dev.oauthfilter.state";

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
        if (request.getProperty(RequestResender.RESENT) != null) {
            // a request this filter sends again (a replay, a nonce retry, a hop) carries exactly the credentials the
            // follow-up decided; a copy of the filter on the resending client (an application Feature registers it
            // there again) must add nothing, least of all the token on a hop to another origin
            return;
        }
        // Redirects are followed here, never by the connector, which would send every header to any origin
        boolean follow = RedirectControl.takeOver(request);
        Sent sent = authorize(request, follow);
        // the one property of the filter's own: what the response filter must know, written once
        if (sent != null) {
            request.setProperty(STATE, sent);
        } else if (follow) {
            request.setProperty(STATE, Sent.NO_TOKEN_FOLLOWING);
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

    /**
     * Sends what {@link FollowUp#decide} asks for, one request at a time, until it is done: each answer replaces the
     * previous one, which is closed; the caller gets the last. When a request cannot be sent (no token, no
     * connection), the caller gets the original answer, or the 401 that a failed replay was to replace.
     */
    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (!(request.getProperty(STATE) instanceof Sent sent)) {
            return;
        }
        int status = response.getStatus();
        if (!FollowUp.mayFollowUp(sent, status)) {
            // the common answer (a 200 to a Bearer request): nothing to decide, nothing allocated
            return;
        }
        FollowUp.Request facts = FollowUp.Request.of(request);
        FollowUp.Progress progress = FollowUp.Progress.START;
        Credentials credentials = null;
        // the answer to the last request sent here (open, owned here), or null while the caller's is the current one
        RequestResender.Answer current = null;
        try {
            FollowUp.Step next = FollowUp.decide(sent, facts, FollowUp.Reply.of(response), progress);
            while (next.kind() != FollowUp.Kind.DONE) {
                credentials = credentials != null ? credentials : new Credentials(sent, request);
                RequestResender.Answer answer;
                try {
                    answer = RequestResender.send(request, next.target(), next.method(), next.withEntity(),
                            next.sameOrigin(), credentials.headers(next));
                } catch (RuntimeException e) {
                    if (current != null && next.fallsBackToCurrent()) {
                        current.replace(response);
                        current = null;
                    }
                    throw e;
                }
                if (current != null) {
                    current.close();
                }
                current = answer;
                progress = progress.after(next);
                next = FollowUp.decide(sent, facts, current, progress);
            }
            if (current != null) {
                current.replace(response);
                current = null;
            }
        } catch (TokenException | ProcessingException e) {
            // the caller gets the original answer, as it would have without the filter
            LOG.fine(() -> "could not send " + request.getMethod() + " " + request.getUri().getHost() + " again ("
                    + describe(e) + "); returning the original " + status);
        } finally {
            if (current != null) {
                current.close();
            }
        }
    }

    /**
     * The {@code Authorization} (and DPoP proof) of each request sent again: the client's token with a new proof made
     * for each request's method and target when it is DPoP-bound; a new authorization for a whole request sent again;
     * else, for a hop, what the last whole request carried (the Bearer token or the application's own header as the
     * request left, or the replay's new token).
     */
    private static final class Credentials {
        private final Sent sent;
        private final ClientRequestContext request;
        private Map<String, String> carried;

        Credentials(Sent sent, ClientRequestContext request) {
            this.sent = sent;
            this.request = request;
        }

        Map<String, String> headers(FollowUp.Step step) {
            if (!step.authorized()) {
                return null;
            }
            boolean hop = step.kind() == FollowUp.Kind.REDIRECT;
            if (!hop || sent.isDPoP()) {
                Map<String, String> made = sent.provider.authorization(step.method(), step.target()).headers();
                if (!hop) {
                    carried = made;
                }
                return made;
            }
            if (carried == null) {
                String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
                carried = authorization == null ? null : Map.of(HttpHeaders.AUTHORIZATION, authorization);
            }
            return carried;
        }
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
