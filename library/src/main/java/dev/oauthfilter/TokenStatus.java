package dev.oauthfilter;

/**
 * What the readiness check and the metrics may know of a client's tokens, without knowing how they are obtained.
 */
public interface TokenStatus {

    /** The status of a client that forwards its callers' tokens: it holds none of its own. */
    TokenStatus PROPAGATED = new TokenStatus() {
        @Override
        public boolean propagated() {
            return true;
        }
    };

    /** The status of a provider the library knows nothing of. */
    TokenStatus UNKNOWN = new TokenStatus() {
    };

    /** @return seconds until the cached token expires; 0 when there is none, or none of its own */
    default long secondsUntilExpiry() {
        return 0;
    }

    /** @return calls served from the cached token since a {@link TokenEvents} listener was installed */
    default long cacheHits() {
        return 0;
    }

    /** @return whether the client forwards its callers' tokens instead of obtaining its own */
    default boolean propagated() {
        return false;
    }
}
