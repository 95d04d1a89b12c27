package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;

/**
 * Exchanges access tokens (RFC 8693 token exchange) for tokens meant for one client's audience, scope and resources,
 * authenticating as that client: how a propagating client ({@code propagate-exchange=true}) gives a downstream
 * service a token of its own instead of forwarding the caller's. Exchanged tokens are cached per incoming token
 * until they expire (never beyond the incoming token's own expiry), in memory only: never shared with a fleet,
 * never logged. One exchange per incoming token however many threads ask.
 *
 * <pre>{@code
 * TokenExchange exchange = boundedTokenCache.exchange(config);   // the registry does it for a propagating client
 * AccessToken downstream = exchange.exchange(incomingAccessToken);
 * }</pre>
 */
@FunctionalInterface
public interface TokenExchange {

    /**
     * @param subjectToken the access token to exchange
     * @return a token issued in exchange for it, cached while it is valid
     * @throws TokenException when the exchange fails (the server's {@code error}, e.g. {@code invalid_grant} or
     *                        {@code unauthorized_client}, in {@link TokenException#oauthError()})
     */
    AccessToken exchange(String subjectToken);

    /**
     * Tells the exchange that a service refused {@code rejected}, exchanged for {@code subjectToken}: it is dropped
     * if it is still the cached one (and not issued only a moment ago), so that the next call exchanges again.
     *
     * @param subjectToken the incoming token it was exchanged for
     * @param rejected     the token the service refused
     * @return whether exchanging again can give a different token
     */
    default boolean invalidate(String subjectToken, AccessToken rejected) {
        return false;
    }
}
