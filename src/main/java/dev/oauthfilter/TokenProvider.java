package dev.oauthfilter;

/**
 * Gives access tokens for one configured client. Implementations are thread-safe; the ones returned by
 * {@link #of(OAuthClientConfig)} cache the token, refresh it before it expires (one token request however many
 * threads ask), and never make a caller wait while the cached token is still valid.
 *
 * <pre>{@code
 * TokenProvider tokens = TokenProvider.of(config);
 * String header = tokens.authorizationHeader();   // "Bearer eyJ..."
 * }</pre>
 */
@FunctionalInterface
public interface TokenProvider {

    /**
     * Returns a valid token, obtaining one first if there is none.
     *
     * @return a token that has not expired
     * @throws TokenException when no token can be had within the acquisition timeout
     */
    AccessToken token();

    /**
     * The value of an {@code Authorization} header for this client: the seed SDK's {@code getAuthorizationHeader}.
     *
     * @return {@code "Bearer <token>"}
     * @throws TokenException when no token can be had within the acquisition timeout
     */
    default String authorizationHeader() {
        return token().authorizationHeader();
    }

    /**
     * Tells the provider that a protected service rejected {@code rejected} (401): it is dropped if it is still the
     * cached token, so that the next call obtains a new one. A token obtained only a moment ago is kept: a service
     * that rejects it would reject its successor too, and dropping it would turn every request into a token request.
     *
     * @param rejected the token the service rejected
     * @return whether asking again can give a different token (so that replaying the request makes sense)
     */
    default boolean invalidate(AccessToken rejected) {
        return false;
    }

    /**
     * The provider for a configuration: with that configuration's rules ({@link ClientPolicy}: allowed hosts, 401
     * replay), drawing from the token source shared by every configuration in this class loader with the same
     * endpoint, credentials, scope, audience, resources, extra parameters, TLS context and timeouts (one token for
     * all of them), taken from {@link TokenCache#shared()}.
     *
     * @param config the client configuration
     * @return the caching provider, a {@link ClientTokenProvider}
     */
    static TokenProvider of(OAuthClientConfig config) {
        return TokenCache.shared().provider(config);
    }
}
