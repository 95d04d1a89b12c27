/**
 * The public API of oauth-filter: describe a client with {@link dev.oauthfilter.OAuthClientConfig} (built by its
 * builder, held in parts: endpoint, authentication, request parameters, timing, policy, TLS, DPoP), get a caching,
 * thread-safe {@link dev.oauthfilter.TokenProvider} for it ({@code TokenProvider.of(config)}, or a
 * {@link dev.oauthfilter.TokenCache} of one's own), and let {@link dev.oauthfilter.OAuthClientFilter} put
 * {@code Authorization: Bearer <token>} on every outgoing JAX-RS or MicroProfile Rest Client request, the client's
 * {@link dev.oauthfilter.ClientPolicy} deciding where its token may go. Failures are
 * {@link dev.oauthfilter.TokenException}s carrying a stable {@link dev.oauthfilter.ErrorCode}. This package depends on
 * no other package of the library: it reaches the implementation through {@link dev.oauthfilter.OAuthFilterDelegate}
 * alone, and the module exports it alone.
 */
package dev.oauthfilter;
