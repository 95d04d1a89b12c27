package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.RequestAuthorization;
import dev.oauthfilter.Timing;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.internal.endpoint.DPoPProofs;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link TokenProvider} that caches one token and refreshes it before it expires.
 *
 * <p>Its whole state (the token and when it turns STALE and EXPIRED, the request in flight, the failures so far) is
 * one immutable {@link State} in one volatile field: every transition is a compare-and-set from one state to the
 * next, so no two fields can disagree. The fast path reads that field and the clock: no lock, no allocation, and
 * only this object and its state in memory (the state carries the token's instants and header itself: with ten
 * thousand clients each further object on the path is one more cache miss per call).
 * A STALE token is served while exactly one refresh runs on the executor; only an EXPIRED or missing token makes
 * callers wait, all of them on the same single request, for at most the acquisition timeout. A failed refresh is
 * never cached as a token: while the old token is still usable it keeps being served and the refresh is retried with
 * backoff; waiters all receive the failure, and callers without a token get it at once for the cooldown. Retries
 * within one acquisition are the token source's ({@link RetryingTokenSource}).
 */
public final class RefreshingTokenSource implements TokenProvider, TokenStatus {

    private static final Logger LOG = Logger.getLogger(RefreshingTokenSource.class.getName());
    private static final long MAX_REFRESH_BACKOFF_MILLIS = 30_000;
    private static final long TOUCH_GRANULARITY_MILLIS = 1_000;
    // A token rejected within this age of being issued is not dropped: see TokenProvider.invalidate.
    static final long REJECTED_TOKEN_MIN_AGE_MILLIS = 5_000;

    private final OAuthClientConfig config;
    private final Timing timing;
    private final TokenSource source;
    private final SharedTokenSource shared;
    private final Clock clock;
    private final Executor executor;
    private final Executor background;
    private final DPoPProofs proofs;
    // An updater rather than a VarHandle: an ordinary class, ready once this one is initialized, so nothing on the
    // waiting path is left to link while a first stampede of virtual threads runs through it (one pinned virtual
    // thread was seen once with a VarHandle here, startRefresh on top; not reproduced since, see the static block).
    private static final AtomicReferenceFieldUpdater<RefreshingTokenSource, State> STATE =
            AtomicReferenceFieldUpdater.newUpdater(RefreshingTokenSource.class, State.class, "state");

    static {
        // The classes a waiting caller needs (CompletableFuture's timed wait) are initialized here, by the thread that
        // makes the first source, not by the first stampede of virtual threads: a virtual thread that needs a class
        // another thread is initializing waits pinned to its carrier (without this, VirtualThreadStampedeTest saw a
        // pin under CompletableFuture.timedGet in 2 of 3 runs alone in its JVM).
        try {
            new CompletableFuture<Void>().get(1, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException expected) {
            // what was meant to happen: the timed wait's classes are loaded and initialized
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private volatile State state = State.EMPTY;
    private final LongAdder cacheHits = new LongAdder();
    private volatile TokenEvents events = TokenEvents.NONE;
    // counting hits costs the cached path a few ns (more under contention): only when someone listens
    private volatile boolean countHits;
    private volatile long lastUsedMillis;

    /**
     * The provider's state: a token and its plan (or none), the request in flight (or none), how many background
     * refreshes failed in a row, and the failure served to callers without a token until {@code failedUntil}.
     */
    private static final class State {
        static final State EMPTY = new State(null, null, 0, null, 0);

        final RefreshPlan plan;
        final CompletableFuture<RefreshPlan> inFlight;
        final int failedRefreshes;
        final TokenException failure;
        final long failedUntil;
        // the plan's, copied for the fast path (one object fewer to reach): its token, its Bearer header (null for a
        // DPoP token), until when it is usable and from when a background refresh is due
        final AccessToken token;
        final String bearerHeader;
        final long usableUntil;
        final long refreshFrom;

        State(RefreshPlan plan, CompletableFuture<RefreshPlan> inFlight, int failedRefreshes, TokenException failure,
              long failedUntil) {
            this.plan = plan;
            this.inFlight = inFlight;
            this.failedRefreshes = failedRefreshes;
            this.failure = failure;
            this.failedUntil = failedUntil;
            this.token = plan == null ? null : plan.token;
            this.bearerHeader = plan == null || plan.token.isDPoP() ? null : plan.token.authorizationHeader();
            this.usableUntil = plan == null ? Long.MIN_VALUE : plan.expiredAt;
            this.refreshFrom = plan == null ? Long.MAX_VALUE : Math.max(plan.staleAt, plan.nextAttemptAt);
        }

        State requesting(CompletableFuture<RefreshPlan> request) {
            return new State(plan, request, failedRefreshes, failure, failedUntil);
        }

        State withoutToken() {
            return new State(null, inFlight, failedRefreshes, failure, failedUntil);
        }
    }

    /**
     * @param config   the client (timeouts, refresh window, retries)
     * @param source   one token request (retries are added here, see {@link RetryingTokenSource})
     * @param clock    decides FRESH / STALE / EXPIRED
     * @param executor runs token requests; callers never run them on their own thread unless it rejects work
     */
    RefreshingTokenSource(OAuthClientConfig config, TokenSource source, Clock clock, Executor executor) {
        this(config, source, clock, executor, executor, null, null);
    }

    /**
     * @param background runs background refreshes (which no caller waits for): the executor, or a limit in front of it
     * @param store      where the fleet shares this source's token, or null for none
     * @param proofs     the DPoP key the source's tokens are bound to, or null for Bearer tokens
     */
    RefreshingTokenSource(OAuthClientConfig config, TokenSource source, Clock clock, Executor executor,
                          Executor background, SharedStore store, DPoPProofs proofs) {
        this.config = config;
        this.timing = config.timing();
        this.proofs = proofs;
        TokenSource retrying = new RetryingTokenSource(config, source, () -> events);
        // a token bound to a key this replica generated is of no use to another; one bound to a configured key is
        boolean ownKey = proofs != null && config.dpop().key().isEmpty();
        boolean canSeal = store != null && !ownKey && TokenSeal.canSeal(config);
        if (store != null && ownKey) {
            LOG.warning(() -> "client '" + config.name() + "': its tokens are not shared with the fleet: they are"
                    + " bound to this replica's own DPoP key");
        } else if (store != null && !canSeal) {
            LOG.warning(() -> "client '" + config.name() + "': its tokens are not shared with the fleet: no client"
                    + " secret or exportable private key to seal them with");
        }
        FleetSeals seals = canSeal ? new FleetSeals(config) : null;
        if (seals != null) {
            // derived now (the PBKDF2 cost), not on the first caller's time; again only when the secret changes
            seals.current();
        }
        this.shared = seals != null ? new SharedTokenSource(config, seals, store, retrying, clock) : null;
        this.source = shared != null ? shared : retrying;
        this.clock = clock;
        this.executor = executor;
        this.background = background;
        this.lastUsedMillis = clock.millis();
    }

    @Override
    public AccessToken token() {
        long now = clock.millis();
        State cached = cached(now);
        return cached != null ? cached.token : awaitToken(now);
    }

    /**
     * The fast path: the state when its token is usable at {@code now} (a background refresh started if one is due),
     * else null.
     */
    private State cached(long now) {
        touch(now);
        State current = state;
        if (now < current.usableUntil) {
            if (now >= current.refreshFrom && current.inFlight == null) {
                startRefresh(false);
            }
            if (countHits) {
                cacheHits.increment();
            }
            return current;
        }
        return null;
    }

    /** Without a usable token: the failure of a moment ago, else a wait for the one request in flight. */
    private AccessToken awaitToken(long now) {
        State current = state;
        if (current.failure != null && now < current.failedUntil && !(now < current.usableUntil)) {
            // the endpoint just failed: do not let every caller hammer it; they share that failure for a moment
            throw current.failure.forCaller();
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
        RefreshPlan plan = state.plan;
        return plan == null ? 0 : Math.max(0, (plan.token.expiresAt().toEpochMilli() - clock.millis()) / 1000);
    }

    @Override
    public RequestAuthorization authorization(String method, URI target) {
        AccessToken token = token();
        if (!token.isDPoP() || proofs == null) {
            return RequestAuthorization.of(token, null);
        }
        DPoPProofs.Proof proof = proofs.signedProof(method, target, token);
        return RequestAuthorization.of(token, proof.jwt, proof.nonce);
    }

    @Override
    public String authorizationHeader() {
        long now = clock.millis();
        State cached = cached(now);
        if (cached != null && cached.bearerHeader != null) {
            return cached.bearerHeader;
        }
        AccessToken token = cached != null ? cached.token : awaitToken(now);
        if (token.isDPoP()) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING).clientName(config.name())
                    .message("the client uses DPoP, set by " + config.settingNames().of(config.dpop().key().isPresent()
                            ? ClientSetting.DPOP_KEY : ClientSetting.DPOP) + ": each request needs its own"
                            + " proof beside the token; use authorization(method, uri), or the filter")
                    .build();
        }
        return token.authorizationHeader();
    }

    @Override
    public boolean dpopNonce(URI target, String nonce) {
        return proofs != null && proofs.nonce(target, nonce);
    }

    @Override
    public boolean invalidate(AccessToken rejected) {
        RefreshPlan plan = state.plan;
        if (plan == null || plan.token != rejected) {
            return true;
        }
        if (clock.millis() - rejected.issuedAt().toEpochMilli() < REJECTED_TOKEN_MIN_AGE_MILLIS) {
            LOG.fine(() -> "client '" + config.name() + "': " + rejected + " was rejected right after it was issued;"
                    + " keeping it (check the audience, scope or roles the protected service expects)");
            return false;
        }
        State before = getAndUpdate(s -> s.plan == plan ? s.withoutToken() : s);
        if (before.plan == plan && shared != null) {
            shared.invalidate(rejected);
        }
        if (before.plan == plan) {
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
            State current = state;
            if (current.inFlight != null) {
                return current.inFlight;
            }
            // Another request may have finished since the caller looked: do not repeat it, whether it brought a token
            // or a failure (then the caller shares that failure for the cooldown, as token() would have).
            long now = clock.millis();
            if (current.plan != null && (needed ? current.plan.isUsable(now) : !current.plan.shouldRefresh(now))) {
                return CompletableFuture.completedFuture(current.plan);
            }
            if (needed && current.failure != null && now < current.failedUntil) {
                return CompletableFuture.failedFuture(current.failure);
            }
            CompletableFuture<RefreshPlan> mine = new CompletableFuture<>();
            if (!STATE.compareAndSet(this, current, current.requesting(mine))) {
                continue;
            }
            if (!needed) {
                events.backgroundRefresh(config.name());
            }
            Runnable refresh = acquisition(mine, needed);
            try {
                (needed ? executor : background).execute(refresh);
            } catch (RejectedExecutionException e) {
                LOG.fine(() -> "client '" + config.name() + "': executor rejected the refresh, running it inline");
                refresh.run();
            }
            return mine;
        }
    }

    /**
     * The refresh task, as the listener wraps it (asked on the caller's thread: a tracing listener carries the
     * caller's context over to the thread that runs it). Whatever the listener returns, {@code refresh(request)} runs
     * exactly once when the task runs: a wrapper that drops the task or fails before it must not leave the request
     * pending (every later caller would wait out its timeout, for ever), nor may one that runs it twice send twice.
     */
    private Runnable acquisition(CompletableFuture<RefreshPlan> request, boolean awaited) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                refresh(request);
            }
        };
        Runnable wrapped;
        try {
            wrapped = events.acquisition(config.name(), awaited, once);
        } catch (RuntimeException | Error e) {
            // whatever a listener throws, the request is in flight and must run: else every caller waits for ever
            wrapped = null;
        }
        if (wrapped == once || wrapped == null) {
            return once;
        }
        Runnable listeners = wrapped;
        return () -> {
            try {
                listeners.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "client '" + config.name() + "': a token event listener failed", e);
            } finally {
                once.run();
            }
        };
    }

    private void refresh(CompletableFuture<RefreshPlan> mine) {
        // Whatever happens in here, the request leaves the state and is completed (finally): a request left pending
        // would make every later caller wait out its acquisition timeout, for ever.
        try {
            RefreshPlan plan = RefreshPlan.of(source.fetch(timing.acquisitionTimeout()), timing.refreshBefore());
            finish(mine, s -> new State(plan, null, 0, null, 0));
            mine.complete(plan);
        } catch (TokenException e) {
            try {
                failed(mine, e);
            } finally {
                mine.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            // never out of a refresh task (it would end a pool thread); the request fails in finally below
            LOG.warning(() -> "client '" + config.name() + "': unexpected failure while refreshing ("
                    + e.getClass().getName() + ")");
            LOG.log(Level.FINE, "client '" + config.name() + "': the unexpected failure", e);
        } finally {
            if (!mine.isDone()) {
                finish(mine, s -> s.requesting(null));
                mine.completeExceptionally(TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                        .message("unexpected failure while obtaining a token").build());
            }
        }
    }

    /** Replaces the state that holds {@code request} as in flight by the next one; any other state is left alone. */
    private State finish(CompletableFuture<RefreshPlan> request, UnaryOperator<State> next) {
        while (true) {
            State current = state;
            State replaced = current.inFlight == request ? next.apply(current) : current;
            if (replaced == current || STATE.compareAndSet(this, current, replaced)) {
                return replaced;
            }
        }
    }

    private State getAndUpdate(UnaryOperator<State> next) {
        while (true) {
            State current = state;
            State replaced = next.apply(current);
            if (replaced == current || STATE.compareAndSet(this, current, replaced)) {
                return current;
            }
        }
    }

    /**
     * After a failed acquisition: with a still usable token, it keeps being served and the next background attempt
     * is put off (backoff, or the server's Retry-After up to {@code max-retry-after}); without one, callers get this
     * failure at once for the cooldown.
     */
    private void failed(CompletableFuture<RefreshPlan> request, TokenException failure) {
        long now = clock.millis();
        long retryAfter = Durations.cappedMillis(failure.retryAfter().orElse(Duration.ZERO), timing.maxRetryAfter());
        long cooldown = Math.max(Durations.millis(timing.failureCooldown()), retryAfter);
        long jitter = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
        State next = finish(request, s -> {
            if (s.plan == null || !s.plan.isUsable(now)) {
                return new State(s.plan, null, s.failedRefreshes, failure, Durations.saturatedSum(now, cooldown));
            }
            int failures = s.failedRefreshes + 1;
            long delay = Math.max(backoffMillis(failures, jitter), retryAfter);
            return new State(s.plan.retryAt(Durations.saturatedSum(now, delay)), null, failures, s.failure,
                    s.failedUntil);
        });
        if (next.plan == null || !next.plan.isUsable(now)) {
            LOG.warning(() -> failure.getMessage() + "; callers without a token get this failure for the next "
                    + cooldown + " ms");
        } else {
            long delay = next.plan.nextAttemptAt - now;
            LOG.warning(() -> failure.getMessage() + "; still serving the current token (valid for "
                    + (next.plan.expiredAt - now) / 1000 + " s), next refresh attempt in " + delay + " ms");
        }
    }

    /** 1 s, 2 s, 4 s ... up to 30 s after the n-th failure in a row, with jitter in [backoff / 2, backoff]. */
    private static long backoffMillis(int failures, long random) {
        long backoff = Math.min(MAX_REFRESH_BACKOFF_MILLIS, 1000L << Math.min(failures - 1, 15));
        return backoff / 2 + Math.floorMod(random, backoff / 2 + 1);
    }

    private AccessToken await(CompletableFuture<RefreshPlan> request) {
        Duration timeout = timing.acquisitionTimeout();
        try {
            return request.get(Durations.nanos(timeout), TimeUnit.NANOSECONDS).token;
        } catch (TimeoutException e) {
            throw TokenException.builder(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE).clientName(config.name())
                    .message("no token within the acquisition timeout of " + Durations.millis(timeout) + " ms")
                    .build();
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
        RefreshPlan plan = state.plan;
        return "RefreshingTokenSource[client=" + config.name() + ", token="
                + (plan == null ? "none" : plan.token) + "]";
    }
}
