package dev.oauthfilter.cache;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link TokenProvider} that caches one token and refreshes it before it expires.
 *
 * <p>The fast path reads one volatile field and the clock: no lock, no allocation. A STALE token is served while
 * exactly one refresh runs on the executor; only an EXPIRED or missing token makes callers wait, all of them on the
 * same single request, for at most the acquisition timeout. A failed refresh is never cached as a token: while the
 * old token is still usable it keeps being served and the refresh is retried with backoff; waiters all receive
 * the failure.
 */
public final class RefreshingTokenProvider implements TokenProvider, TokenStatus {

    private static final Logger LOG = Logger.getLogger(RefreshingTokenProvider.class.getName());
    private static final long MAX_REFRESH_BACKOFF_MILLIS = 30_000;
    private static final long TOUCH_GRANULARITY_MILLIS = 1_000;
    // A token rejected within this age of being issued is not dropped: see TokenProvider.invalidate.
    static final long REJECTED_TOKEN_MIN_AGE_MILLIS = 5_000;

    private final OAuthClientConfig config;
    private final TokenSource source;
    private final Clock clock;
    private final Executor executor;
    private final AtomicReference<CompletableFuture<RefreshPlan>> inFlight = new AtomicReference<>();
    private final AtomicInteger failedRefreshes = new AtomicInteger();
    private final AtomicReference<RefreshPlan> current = new AtomicReference<>();
    private final LongAdder cacheHits = new LongAdder();
    private volatile TokenEvents events = TokenEvents.NONE;
    // counting hits costs the cached path a few ns (more under contention): only when someone listens
    private volatile boolean countHits;
    private volatile RecentFailure recentFailure;
    private volatile long lastUsedMillis;

    /** The failure of the last acquisition, served to callers without a usable token until {@code until}. */
    private static final class RecentFailure {
        final TokenException failure;
        final long until;

        RecentFailure(TokenException failure, long until) {
            this.failure = failure;
            this.until = until;
        }
    }

    /**
     * @param config   the client (timeouts, refresh window, retries)
     * @param source   where new tokens come from
     * @param clock    decides FRESH / STALE / EXPIRED
     * @param executor runs token requests; callers never run them on their own thread unless it rejects work
     */
    public RefreshingTokenProvider(OAuthClientConfig config, TokenSource source, Clock clock, Executor executor) {
        this.config = config;
        this.source = source;
        this.clock = clock;
        this.executor = executor;
        this.lastUsedMillis = clock.millis();
    }

    @Override
    public AccessToken token() {
        long now = clock.millis();
        touch(now);
        RefreshPlan plan = current.get();
        if (plan != null && plan.isUsable(now)) {
            if (plan.shouldRefresh(now) && inFlight.get() == null) {
                startRefresh(false);
            }
            if (countHits) {
                cacheHits.increment();
            }
            return plan.token;
        }
        RecentFailure failed = recentFailure;
        if (failed != null && now < failed.until) {
            // the endpoint just failed: do not let every caller hammer it; they share that failure for a moment
            throw failed.failure.forCaller();
        }
        events.waited(config.name());
        return await(startRefresh(true));
    }

    /** @param events where to report token requests, refreshes and waits from now on */
    public void events(TokenEvents events) {
        this.events = events;
        this.countHits = events != TokenEvents.NONE;
    }

    /** @return how many calls were served from the cached token since events were first listened to */
    @Override
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** @return seconds until the cached token expires (0 when there is none) */
    @Override
    public long secondsUntilExpiry() {
        RefreshPlan plan = current.get();
        return plan == null ? 0 : Math.max(0, (plan.token.expiresAt().toEpochMilli() - clock.millis()) / 1000);
    }

    @Override
    public boolean invalidate(AccessToken rejected) {
        RefreshPlan plan = current.get();
        if (plan == null || plan.token != rejected) {
            return true;
        }
        if (clock.millis() - rejected.issuedAt().toEpochMilli() < REJECTED_TOKEN_MIN_AGE_MILLIS) {
            LOG.fine(() -> "client '" + config.name() + "': " + rejected + " was rejected right after it was issued;"
                    + " keeping it (check the audience, scope or roles the protected service expects)");
            return false;
        }
        if (current.compareAndSet(plan, null)) {
            LOG.fine(() -> "client '" + config.name() + "': dropped rejected " + rejected);
        }
        return true;
    }

    /** @return when (epoch millis of the clock) this provider last gave out a token, to the second */
    public long lastUsedMillis() {
        return lastUsedMillis;
    }

    /** @return the configuration this provider serves */
    public OAuthClientConfig config() {
        return config;
    }

    private void touch(long now) {
        // Writing on every call would bounce the cache line between cores; LRU needs only the second.
        if (now - lastUsedMillis >= TOUCH_GRANULARITY_MILLIS) {
            lastUsedMillis = now;
        }
    }

    private CompletableFuture<RefreshPlan> startRefresh(boolean needed) {
        while (true) {
            CompletableFuture<RefreshPlan> running = inFlight.get();
            if (running != null) {
                return running;
            }
            CompletableFuture<RefreshPlan> mine = new CompletableFuture<>();
            if (!inFlight.compareAndSet(null, mine)) {
                continue;
            }
            // Another request may have finished between our read of `current` and the CAS: do not repeat it.
            RefreshPlan latest = current.get();
            long now = clock.millis();
            if (latest != null && (needed ? latest.isUsable(now) : !latest.shouldRefresh(now))) {
                inFlight.compareAndSet(mine, null);
                mine.complete(latest);
                return mine;
            }
            if (!needed) {
                events.backgroundRefresh(config.name());
            }
            try {
                executor.execute(() -> refresh(mine));
            } catch (RejectedExecutionException e) {
                LOG.fine(() -> "client '" + config.name() + "': executor rejected the refresh, running it inline");
                refresh(mine);
            }
            return mine;
        }
    }

    private void refresh(CompletableFuture<RefreshPlan> mine) {
        // Whatever happens in here, the in-flight request is cleared and completed (finally): a request left
        // pending would make every later caller wait out its acquisition timeout, for ever.
        try {
            RefreshPlan plan = RefreshPlan.of(acquire(), config.refreshBefore());
            current.set(plan);
            recentFailure = null;
            failedRefreshes.set(0);
            inFlight.compareAndSet(mine, null);
            mine.complete(plan);
        } catch (TokenException e) {
            try {
                keepServingAfter(e);
            } finally {
                inFlight.compareAndSet(mine, null);
                mine.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            // never out of a refresh task (it would end a pool thread); the request fails in finally below
            LOG.warning(() -> "client '" + config.name() + "': unexpected failure while refreshing ("
                    + e.getClass().getName() + ")");
            LOG.log(Level.FINE, "client '" + config.name() + "': the unexpected failure", e);
        } finally {
            if (!mine.isDone()) {
                inFlight.compareAndSet(mine, null);
                mine.completeExceptionally(TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                        .message("unexpected failure while obtaining a token").build());
            }
        }
    }

    private void keepServingAfter(TokenException failure) {
        long now = clock.millis();
        RefreshPlan plan = current.get();
        if (plan == null || !plan.isUsable(now)) {
            long cooldown = Math.max(millis(config.failureCooldown()), retryAfterMillis(failure));
            recentFailure = new RecentFailure(failure, saturatedSum(now, cooldown));
            LOG.warning(() -> failure.getMessage() + "; callers without a token get this failure for the next "
                    + cooldown + " ms");
            return;
        }
        int failures = failedRefreshes.incrementAndGet();
        long backoff = Math.min(MAX_REFRESH_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 15));
        long delay = Math.max(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1),
                retryAfterMillis(failure));
        current.compareAndSet(plan, plan.retryAt(saturatedSum(now, delay)));
        LOG.warning(() -> failure.getMessage() + "; still serving the current token (valid for "
                + (plan.expiredAt - now) / 1000 + " s), next refresh attempt in " + delay + " ms");
    }

    /** Requests a token, retrying transient failures with backoff, within the acquisition timeout. */
    private AccessToken acquire() {
        // Deadlines bound real waiting, so they use the monotonic nanoTime, not the (test-controlled) Clock.
        long start = System.nanoTime();
        long timeout = nanos(config.acquisitionTimeout());
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                AccessToken token = fetch(Duration.ofNanos(Math.max(1, timeout - (started - start))));
                events.tokenRequest(config.name(), "success", Duration.ofNanos(System.nanoTime() - started));
                return token;
            } catch (TokenException e) {
                events.tokenRequest(config.name(), e.code(), Duration.ofNanos(System.nanoTime() - started));
                if (!e.isRetryable() || attempt >= config.maxAttempts()) {
                    throw e;
                }
                long delay = retryDelayNanos(attempt, e);
                if (saturatedSum(System.nanoTime() - start, delay) >= timeout) {
                    throw e;
                }
                LOG.fine(() -> "client '" + config.name() + "': " + e.getMessage() + "; retrying in "
                        + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
                sleep(delay, e);
            }
        }
    }

    /** One token request; a failure that is not a TokenException is one (INTERNAL_ERROR), with its cooldown. */
    private AccessToken fetch(Duration timeout) {
        try {
            return source.fetch(timeout);
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            // one WARNING follows (with the cooldown); the stack trace only at FINE
            LOG.log(Level.FINE, "client '" + config.name() + "': unexpected failure of a token request", e);
            throw TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                    .message("unexpected failure while obtaining a token (" + e.getClass().getName() + ")")
                    .cause(e).build();
        }
    }

    private long retryDelayNanos(int attempt, TokenException failure) {
        long first = nanos(config.retryBackoff());
        int doublings = Math.min(attempt - 1, 20);
        long base = first > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : first << doublings;
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Math.max(jittered, TimeUnit.MILLISECONDS.toNanos(retryAfterMillis(failure)));
    }

    /** The server's Retry-After, at most {@code max-retry-after}. */
    private long retryAfterMillis(TokenException failure) {
        Duration asked = failure.retryAfter().orElse(Duration.ZERO);
        Duration limit = config.maxRetryAfter();
        return millis(asked.compareTo(limit) > 0 ? limit : asked);
    }

    private static long millis(Duration duration) {
        return duration.isNegative() ? 0 : duration.getSeconds() >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE
                : duration.toMillis();
    }

    private static long nanos(Duration duration) {
        return duration.isNegative() ? 0 : duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : duration.toNanos();
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        // overflow only when both have the same sign and the sum's differs
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    private void sleep(long nanos, TokenException pending) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw pending;
        }
    }

    private AccessToken await(CompletableFuture<RefreshPlan> request) {
        Duration timeout = config.acquisitionTimeout();
        try {
            return request.get(nanos(timeout), TimeUnit.NANOSECONDS).token;
        } catch (TimeoutException e) {
            throw TokenException.builder(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE).clientName(config.name())
                    .message("no token within the acquisition timeout of " + millis(timeout) + " ms").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TokenException.builder(ErrorCode.INTERRUPTED).clientName(config.name())
                    .message("interrupted while waiting for a token").build();
        } catch (ExecutionException e) {
            throw ((TokenException) e.getCause()).forCaller();
        }
    }

    @Override
    public String toString() {
        RefreshPlan plan = current.get();
        return "RefreshingTokenProvider[client=" + config.name() + ", token="
                + (plan == null ? "none" : plan.token) + "]";
    }
}
