package dev.oauthfilter;

import java.time.Duration;

/**
 * What happens to tokens, for metrics: every token request with its outcome and duration, background refreshes,
 * callers that had to wait, and new token sources (whose cache hits and expiry can then be observed). Called on the
 * threads where things happen: implementations must be quick and thread-safe. The cached path calls nothing here.
 */
public interface TokenEvents {

    /** Listens to nothing. */
    TokenEvents NONE = new TokenEvents() {
    };

    /**
     * @param client  the client name
     * @param outcome {@code success}, or the {@link ErrorCode} name of the failure
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

    /**
     * @param client the name of the client whose token source the cache just created (or held when the listener
     *               was set)
     * @param status what can be observed of its tokens (cache hits, expiry)
     */
    default void sourceCreated(String client, TokenStatus status) {
    }

    /** The cache closed (the application stops): release whatever was registered for its sources. */
    default void closed() {
    }
}
