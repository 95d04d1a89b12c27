package dev.oauthfilter;

import java.net.URI;

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
     * @throws TokenException when no token can be had within the acquisition timeout, or (code
     *                        {@code INVALID_SETTING}) when the client uses DPoP: see {@link #authorization}
     */
    default String authorizationHeader() {
        return token().authorizationHeader();
    }

    /**
     * What authorises one request: the {@code Authorization} header, and for a DPoP-bound token
     * ({@link OAuthClientConfig.Builder#dpop(boolean)}) a {@code DPoP} proof made for exactly this method and URI.
     * For a DPoP client, use this instead of {@link #authorizationHeader()}, which cannot carry the proof.
     *
     * @param method the request's HTTP method
     * @param target the request's URI
     * @return the headers for that request
     * @throws TokenException when no token can be had within the acquisition timeout
     */
    default RequestAuthorization authorization(String method, URI target) {
        return RequestAuthorization.of(token(), null);
    }

    /**
     * Tells the provider the nonce a server asked DPoP proofs to carry ({@code DPoP-Nonce} header, RFC 9449 §9), so
     * that the next proofs for that server's origin carry it. Nothing for a provider without DPoP.
     *
     * @param target a URI of the server that sent it
     * @param nonce  the header's value
     * @return whether the nonce is new (a request refused for want of it is then worth sending again)
     */
    default boolean dpopNonce(URI target, String nonce) {
        return false;
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
     * @return the caching provider
     */
    static TokenProvider of(OAuthClientConfig config) {
        return TokenCache.shared().provider(config);
    }
}
