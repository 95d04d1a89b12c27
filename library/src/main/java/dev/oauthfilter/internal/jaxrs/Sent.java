package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.TokenProvider;

/**
 * What the request filter did, for the response side ({@link FollowUp#decide}): the client's token it put on the
 * request, where that token came from, the client's rules, whether redirects are followed, and the server nonce the
 * request's DPoP proof carried. Immutable; a class rather than a record, as it holds a token.
 */
final class Sent {

    /** No token of the filter's on the request, but the application wants redirects followed. */
    static final Sent NO_TOKEN_FOLLOWING = new Sent(null, null, ClientPolicy.UNRESTRICTED, true, null);

    // the client's token the request carries, or null (then provider is null too)
    final AccessToken token;
    final TokenProvider provider;
    final ClientPolicy policy;
    final boolean followRedirects;
    // the server nonce the request's DPoP proof carried, or null
    final String dpopNonce;

    Sent(AccessToken token, TokenProvider provider, ClientPolicy policy, boolean followRedirects, String dpopNonce) {
        this.token = token;
        this.provider = provider;
        this.policy = policy;
        this.followRedirects = followRedirects;
        this.dpopNonce = dpopNonce;
    }

    /** @return whether the request carries the client's DPoP-bound token (and a proof made for it) */
    boolean isDPoP() {
        return token != null && token.isDPoP();
    }
}
