/**
 * Token caching and refresh: {@link dev.oauthfilter.internal.tokens.RefreshingTokenSource} keeps one immutable token
 * snapshot per client in a {@code volatile} field read without locks, serves it while it is FRESH, serves it and
 * starts exactly one background refresh while it is STALE, and makes callers wait (bounded) only when it is
 * EXPIRED or missing. Concurrent callers share one token request and its result or error (single flight).
 *
 * <p>With a JCache cache manager ({@code TokenCache.Builder.sharedVia}), a {@code SharedTokenSource} makes that
 * single flight fleet-wide: a lease per token source in a {@code SharedStore}, tokens published sealed by
 * {@code TokenSeal} (AES-GCM, keys derived from the client's credential), adopted by the other members.
 */
package dev.oauthfilter.internal.tokens;
