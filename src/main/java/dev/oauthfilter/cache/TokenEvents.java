package dev.oauthfilter.cache;

import java.time.Duration;

/**
 * What happens to tokens, for metrics: every token request with its outcome and duration, background refreshes,
 * callers that had to wait, and new providers (whose cache hits and expiry can then be observed). Called on the
 * threads where things happen: implementations must be quick and thread-safe. The cached path calls nothing here.
 */
public interface TokenEvents {

    /** Listens to nothing. */
    TokenEvents NONE = new TokenEvents() {
    };

    /**
     * @param client  the client name
     * @param outcome {@code success}, or the {@link dev.oauthfilter.ErrorCode} name of the failure
     * @param took    how long the request took
     */
    default void tokenRequest(String client, String outcome, Duration took) {
    }

    /** @param client a client whose STALE token started a background refresh */
    default void backgroundRefresh(String client) {
    }

    /** @param client a client one of whose callers had to wait for a token (none was usable) */
    default void waited(String client) {
    }

    /** @param provider a provider the cache just created (or held when the listener was set) */
    default void providerCreated(RefreshingTokenProvider provider) {
    }
}
