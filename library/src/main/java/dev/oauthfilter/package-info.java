/**
 * The public API of oauth-filter: describe a client with {@link dev.oauthfilter.OAuthClientConfig}, get a caching,
 * thread-safe {@link dev.oauthfilter.TokenProvider} for it, and let {@link dev.oauthfilter.OAuthClientFilter} put
 * {@code Authorization: Bearer <token>} on every outgoing JAX-RS or MicroProfile Rest Client request. Failures are
 * {@link dev.oauthfilter.TokenException}s carrying a stable {@link dev.oauthfilter.ErrorCode}. Everything outside
 * this package is implementation and may change.
 */
package dev.oauthfilter;
