package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.SentRequests;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One acquisition: token requests to the endpoint, transient failures (unreachable, 5xx, 429) retried up to
 * {@code max-attempts} with doubling, jittered backoff and the server's {@code Retry-After} (up to
 * {@code max-retry-after}), all within the time given. Whatever the endpoint client throws becomes a
 * {@link TokenException}; every attempt is reported to the events, and each HTTP request it sends is numbered
 * ({@link SentRequests}).
 */
final class RetryingTokenSource implements TokenSource {

    private static final Logger LOG = Logger.getLogger(RetryingTokenSource.class.getName());

    private final OAuthClientConfig config;
    private final TokenSource endpoint;
    private final Supplier<TokenEvents> events;

    RetryingTokenSource(OAuthClientConfig config, TokenSource endpoint, Supplier<TokenEvents> events) {
        this.config = config;
        this.endpoint = endpoint;
        this.events = events;
    }

    @Override
    public AccessToken fetch(Duration timeout) {
        // Deadlines bound real waiting, so they use the monotonic nanoTime, not the (test-controlled) Clock.
        long start = System.nanoTime();
        long budget = Durations.nanos(timeout);
        SentRequests sent = new SentRequests(events.get(), config.name());
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                AccessToken token = once(Duration.ofNanos(Math.max(1, budget - (started - start))), sent);
                events.get().tokenRequest(config.name(), "success", Duration.ofNanos(System.nanoTime() - started));
                return token;
            } catch (TokenException e) {
                events.get().tokenRequest(config.name(), e.code(), Duration.ofNanos(System.nanoTime() - started));
                if (!e.isRetryable() || attempt >= config.timing().maxAttempts()) {
                    throw e;
                }
                long delay = delayNanos(attempt, e);
                if (Durations.saturatedSum(System.nanoTime() - start, delay) >= budget) {
                    throw e;
                }
                LOG.fine(() -> "client '" + config.name() + "': " + e.getMessage() + "; retrying in "
                        + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
                sleep(delay, e);
            }
        }
    }

    /** One token request; a failure that is not a TokenException becomes one (INTERNAL_ERROR). */
    private AccessToken once(Duration timeout, SentRequests sent) {
        try {
            return endpoint.fetch(timeout, sent);
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            // the WARNING comes with the cooldown; the stack trace only at FINE
            LOG.log(Level.FINE, "client '" + config.name() + "': unexpected failure of a token request", e);
            throw TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                    .message("unexpected failure while obtaining a token (" + e.getClass().getName() + ")")
                    .cause(e).build();
        }
    }

    private long delayNanos(int attempt, TokenException failure) {
        long first = Durations.nanos(config.timing().retryBackoff());
        int doublings = Math.min(attempt - 1, 20);
        long base = first > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : first << doublings;
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        long retryAfter = Durations.cappedMillis(failure.retryAfter().orElse(Duration.ZERO),
                config.timing().maxRetryAfter());
        return Math.max(jittered, TimeUnit.MILLISECONDS.toNanos(retryAfter));
    }

    private static void sleep(long nanos, TokenException pending) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw pending;
        }
    }
}
