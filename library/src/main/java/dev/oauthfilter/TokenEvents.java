package dev.oauthfilter;

import java.net.URI;
import java.time.Duration;

/**
 * What happens to tokens, for metrics and traces: every token request with its outcome and duration, background
 * refreshes, callers that had to wait, new token sources (whose cache hits and expiry can then be observed), and for
 * tracing each HTTP request to the token endpoint and the thread that caused it. Called on the threads where things
 * happen: implementations must be quick and thread-safe. The cached path calls nothing here. No method is ever given
 * a token, a secret, a client assertion or a request body.
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

    /**
     * A caller's call starts a token acquisition, which the refresh executor runs, on another thread: called on the
     * caller's thread, the library then runs what this returns in place of {@code acquisition}, so that a tracing
     * binding can carry the caller's context over to the thread that sends the request. Whatever this returns, the
     * library runs {@code acquisition} exactly once. Not called for a token exchange, which runs on the caller's
     * thread.
     *
     * @param client      the client name
     * @param awaited     true when the caller waits for the token (it has none usable); false for a background
     *                    refresh of a stale token, which the caller does not wait for
     * @param acquisition what obtains the token (every attempt, retries included)
     * @return what to run instead; by default {@code acquisition} itself
     */
    default Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
        return acquisition;
    }

    /**
     * One HTTP request to the token endpoint is about to be sent, on the thread that waits for its answer (the
     * caller's for a token exchange; else the thread that runs what {@link #acquisition} returned). Every attempt
     * and every DPoP nonce retry is a request of its own. A discovery request (OpenID Connect metadata) is not
     * reported.
     *
     * @param client      the client name
     * @param grantType   {@code client_credentials}, or {@code urn:ietf:params:oauth:grant-type:token-exchange}
     * @param endpoint    the token endpoint: scheme, host, port and path only (never its query or user info)
     * @param resendCount how many HTTP requests the same acquisition sent before this one (0 for the first)
     * @return told once how the request ended
     */
    default HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
        return HttpExchange.NONE;
    }

    /** One HTTP request to the token endpoint, told once how it ended. */
    @FunctionalInterface
    interface HttpExchange {

        /** Hears nothing. */
        HttpExchange NONE = (status, outcome) -> {
        };

        /**
         * @param status  the HTTP status of the answer, or 0 when none came (unreachable, timed out, interrupted)
         * @param outcome {@code success}; {@code use_dpop_nonce} when the server asked for a DPoP nonce (RFC 9449
         *                §8), which the library sends again at once; else the {@link ErrorCode} name of the failure
         */
        void ended(int status, String outcome);
    }
}
