package dev.oauthfilter;

import java.time.Duration;
import java.util.List;

/**
 * How long a client waits and how often it tries, the timing part of its {@link OAuthClientConfig}: the timeouts of
 * a token request and of a caller's wait, the refresh window, the lifetime assumed when the server gives none, and
 * the retry budget (attempts, backoff, failure cooldown, the longest {@code Retry-After} honoured). Immutable; checked
 * by {@link OAuthClientConfig.Builder#build()}.
 *
 * <pre>{@code
 * Duration wait = config.timing().acquisitionTimeout();
 * }</pre>
 */
public final class Timing {

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration acquisitionTimeout;
    private final Duration refreshBefore;
    private final Duration defaultLifetime;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration failureCooldown;
    private final Duration maxRetryAfter;

    private Timing(Draft d) {
        this.connectTimeout = d.connectTimeout;
        this.readTimeout = d.readTimeout;
        this.acquisitionTimeout = d.acquisitionTimeout;
        this.refreshBefore = d.refreshBefore;
        this.defaultLifetime = d.defaultLifetime;
        this.maxAttempts = d.maxAttempts;
        this.retryBackoff = d.retryBackoff;
        this.failureCooldown = d.failureCooldown;
        this.maxRetryAfter = d.maxRetryAfter;
    }

    /** @return connect timeout for the token endpoint */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return how long one token request may wait for the response */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** @return the longest any caller waits for a token, retries included */
    public Duration acquisitionTimeout() {
        return acquisitionTimeout;
    }

    /** @return how long before expiry a background refresh starts (at most half the token's lifetime) */
    public Duration refreshBefore() {
        return refreshBefore;
    }

    /** @return the lifetime assumed when the server gives neither {@code expires_in} nor a JWT {@code exp} */
    public Duration defaultLifetime() {
        return defaultLifetime;
    }

    /** @return how many times one acquisition tries the token endpoint on transient failures */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the first delay between attempts; doubled each time, with jitter */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** @return after a failed token request, how long callers without a valid token get that failure at once */
    public Duration failureCooldown() {
        return failureCooldown;
    }

    /**
     * @return the longest {@code Retry-After} honoured: a server asking for more (a day, or a value that overflows)
     *         is waited for this long at most
     */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Every value: a token source is shared only by configurations with the same timing. */
    List<Object> values() {
        return List.of(connectTimeout, readTimeout, acquisitionTimeout, refreshBefore, defaultLifetime, maxAttempts,
                retryBackoff, failureCooldown, maxRetryAfter);
    }

    @Override
    public String toString() {
        return "Timing[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", acquisitionTimeout="
                + acquisitionTimeout + ", refreshBefore=" + refreshBefore + ", defaultLifetime=" + defaultLifetime
                + ", maxAttempts=" + maxAttempts + ", retryBackoff=" + retryBackoff + ", failureCooldown="
                + failureCooldown + ", maxRetryAfter=" + maxRetryAfter + "]";
    }

    /** The timing settings of a builder, with their defaults. */
    static final class Draft {
        Duration connectTimeout = Duration.ofSeconds(5);
        Duration readTimeout = Duration.ofSeconds(10);
        Duration acquisitionTimeout = Duration.ofSeconds(30);
        Duration refreshBefore = Duration.ofSeconds(60);
        Duration defaultLifetime = Duration.ofMinutes(5);
        int maxAttempts = 3;
        Duration retryBackoff = Duration.ofMillis(200);
        Duration failureCooldown = Duration.ofSeconds(2);
        Duration maxRetryAfter = Duration.ofMinutes(5);

        Timing build(SettingErrors errors) {
            errors.positive(connectTimeout, ClientSetting.CONNECT_TIMEOUT);
            errors.positive(readTimeout, ClientSetting.READ_TIMEOUT);
            errors.positive(acquisitionTimeout, ClientSetting.ACQUISITION_TIMEOUT);
            errors.positive(defaultLifetime, ClientSetting.DEFAULT_LIFETIME);
            errors.notNegative(refreshBefore, ClientSetting.REFRESH_BEFORE);
            errors.notNegative(retryBackoff, ClientSetting.RETRY_BACKOFF);
            errors.notNegative(failureCooldown, ClientSetting.FAILURE_COOLDOWN);
            errors.notNegative(maxRetryAfter, ClientSetting.MAX_RETRY_AFTER);
            errors.atLeastOne(maxAttempts, ClientSetting.MAX_ATTEMPTS);
            return new Timing(this);
        }
    }
}
