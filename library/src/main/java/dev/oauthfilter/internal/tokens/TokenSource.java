package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.TokenException;

import java.time.Duration;

/** Obtains a new token, once: the token endpoint seen from the cache. */
@FunctionalInterface
interface TokenSource {

    /**
     * @param timeout the longest the call may take
     * @return a new token
     * @throws TokenException on failure
     */
    AccessToken fetch(Duration timeout);
}
