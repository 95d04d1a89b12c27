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
     * The provider for a configuration, shared by every caller in this class loader that asks with an equivalent
     * configuration (same endpoint, credentials, scope, audience, resources and extra parameters), taken from
     * {@link TokenCache#shared()}.
     *
     * @param config the client configuration
     * @return the caching provider
     */
    static TokenProvider of(OAuthClientConfig config) {
        return TokenCache.shared().provider(config);
    }
}
