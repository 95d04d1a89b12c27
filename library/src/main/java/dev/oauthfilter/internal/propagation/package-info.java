/**
 * Token propagation: a client with {@code propagate=true} forwards the incoming request's bearer token
 * ({@link dev.oauthfilter.internal.propagation.IncomingAuthorization}, captured per request by
 * {@link dev.oauthfilter.internal.propagation.IncomingAuthorizationFilter}) instead of obtaining its own, or exchanges
 * it for a token of its own audience (RFC 8693, {@code propagate-exchange=true}) through the exchange of
 * {@code internal.tokens}; {@link dev.oauthfilter.internal.propagation.PropagatingTokenSource} is that client's token
 * source, with an optional client-credentials fallback.
 */
package dev.oauthfilter.internal.propagation;
