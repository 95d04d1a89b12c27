package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.SentRequests;

import java.time.Duration;
import java.util.function.BiFunction;

/** Obtains a new token, once: the token endpoint seen from the cache. */
@FunctionalInterface
interface TokenSource {

    /**
     * @param timeout the longest the call may take
     * @return a new token
     * @throws TokenException on failure
     */
    AccessToken fetch(Duration timeout);

    /**
     * As {@link #fetch(Duration)}, telling {@code sent} of each HTTP request to the token endpoint (a source that
     * sends none of its own, as a test's, ignores it).
     *
     * @param timeout the longest the call may take
     * @param sent    the HTTP requests of the acquisition the call belongs to
     * @return a new token
     * @throws TokenException on failure
     */
    default AccessToken fetch(Duration timeout, SentRequests sent) {
        return fetch(timeout);
    }

    /**
     * @param requests one token request to the endpoint, reporting its HTTP requests
     * @return it as a source
     */
    static TokenSource reporting(BiFunction<Duration, SentRequests, AccessToken> requests) {
        return new TokenSource() {
            @Override
            public AccessToken fetch(Duration timeout) {
                return requests.apply(timeout, SentRequests.none());
            }

            @Override
            public AccessToken fetch(Duration timeout, SentRequests sent) {
                return requests.apply(timeout, sent);
            }
        };
    }
}
