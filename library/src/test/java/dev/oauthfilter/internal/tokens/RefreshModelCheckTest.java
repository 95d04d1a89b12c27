package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.fixtures.MutableClock;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model check of the refresh state machine: Lincheck's model checker runs each scenario below many times, each
 * time under another interleaving of its threads (it may switch threads at every shared read and write, CAS, park
 * and unpark), and every interleaving must keep the guarantees:
 *
 * <ul>
 *   <li>single flight: at most one fetch of the token source is in flight at any moment, and the callers at expiry
 *       (or in a STALE window, or after a rejection) share one fetch;</li>
 *   <li>no lost wake-up: every caller that waits gets the token, or the failure, of the fetch it waited on. The
 *       checker's {@code System.nanoTime()} stands still, so a timed wait never times out: a waiter whose wake-up
 *       was lost makes the checker report a hung test, with the interleaving that led there;</li>
 *   <li>one refresh per STALE window, and never an older token: a STALE token is served at once (no caller waits)
 *       while exactly one background refresh runs, and a call that begins after a refresh published its token, or
 *       after another call was served a newer one, never gets an older one.</li>
 * </ul>
 *
 * <p>The token source counts ({@code token-1}, {@code token-2}, ...) and notes how many fetches overlap; the
 * executor runs each refresh on a new thread, which the checker schedules like the callers. The exploration is
 * bounded, not exhaustive: the numbers of interleavings below keep the class under a minute on two cores (a third
 * of it the checker instrumenting classes once), and {@code -Dmodelcheck.depth=10} explores ten times as many.
 */
class RefreshModelCheckTest {

    private static final int DEPTH = Integer.getInteger("modelcheck.depth", 1);
    private static final Duration LIFETIME = Duration.ofSeconds(100);
    // refresh-before 10 s with up to 10% jitter: STALE from 89-90 s on, EXPIRED at 95 s (5 s margin)
    private static final Duration INTO_STALE = Duration.ofSeconds(90);
    private static final Duration STALE_TO_EXPIRED = Duration.ofSeconds(5);
    private static final Duration INTO_EXPIRED = INTO_STALE.plus(STALE_TO_EXPIRED);
    private static final Duration COOLDOWN = Duration.ofSeconds(2);
    private static final OAuthClientConfig CONFIG = OAuthClientConfig.builder()
            .tokenUrl(URI.create("https://idp.example.com/token")).clientId("model-client")
            .clientSecret("model-secret-7c1e").maxAttempts(1).acquisitionTimeout(Duration.ofSeconds(10))
            .refreshBefore(Duration.ofSeconds(10)).failureCooldown(COOLDOWN).build();

    // java.util.logging sets up its handlers on the first record and its console handler fails under the checker's
    // instrumentation: the first interleaving would differ from the next and the checker would report
    // non-determinism. Logging is no part of the state machine, so the library's loggers are off meanwhile.
    private static final Logger LIBRARY_LOG = Logger.getLogger("dev.oauthfilter");
    private static Level levelBefore;

    @BeforeAll
    static void silenceTheLibrary() {
        levelBefore = LIBRARY_LOG.getLevel();
        LIBRARY_LOG.setLevel(Level.OFF);
    }

    @AfterAll
    static void restoreTheLibrarysLogging() {
        LIBRARY_LOG.setLevel(levelBefore);
    }

    @Test
    void threeCallersAtExpiryShareOneFetchAndEachGetsItsToken() {
        Lincheck.runConcurrentTest(500 * DEPTH, () -> {
            Model model = new Model(0);
            model.clock.advance(INTO_EXPIRED);

            List<Call> calls = model.inParallel(List.of(model::call, model::call, model::call));

            assertEquals(1, model.source.maxInFlight.get(), "fetches in flight at once");
            assertEquals(2, model.source.fetches.get(), "the first token, then one fetch for the three callers");
            calls.forEach(call -> assertEquals("token-2", call.outcome, "what a caller got"));
        });
    }

    @Test
    void twoCallersAtExpiryBothGetTheFailureOfTheOneFetchAndItIsNotCached() {
        Lincheck.runConcurrentTest(200 * DEPTH, () -> {
            Model model = new Model(2);
            model.clock.advance(INTO_EXPIRED);

            List<Call> calls = model.inParallel(List.of(model::call, model::call));

            assertEquals(2, model.source.fetches.get(), "one failed fetch for both callers, none in the cooldown");
            calls.forEach(call -> assertEquals("TOKEN_ENDPOINT_ERROR", call.outcome, "what a caller got"));
            model.clock.advance(COOLDOWN);
            assertEquals("token-3", model.call().outcome, "after the cooldown: a new fetch, not the failure");
        });
    }

    @Test
    void aStaleTokenIsServedWithoutWaitingWhileOneRefreshRunsAndNeverAfterItIsReplaced() {
        Lincheck.runConcurrentTest(400 * DEPTH, () -> {
            Model model = new Model(0);
            model.clock.advance(INTO_STALE);

            List<Call> calls = model.inParallel(List.of(model::call, model::call, model::call));

            assertEquals(1, model.source.maxInFlight.get(), "fetches in flight at once");
            assertEquals(2, model.source.fetches.get(), "the first token, then one refresh for the STALE window");
            assertEquals(1, model.backgroundRefreshes.get(), "background refreshes");
            assertEquals(0, model.waits.get(), "callers that waited while a STALE token was there");
            calls.forEach(Call::assertNoOlderThanItsFloor);
            assertEquals("token-2", model.call().outcome, "once the refresh is over");
        });
    }

    @Test
    void aRejectionAndACallerWhileTheTokenExpiresShareTheOneRefreshOfTheStaleWindow() {
        Lincheck.runConcurrentTest(250 * DEPTH, () -> {
            Model model = new Model(0);
            model.clock.advance(INTO_STALE);

            List<Call> calls = model.inParallel(List.of(() -> model.afterRejecting(model.first), model::call),
                    () -> model.clock.advance(STALE_TO_EXPIRED));

            assertEquals(1, model.source.maxInFlight.get(), "fetches in flight at once");
            assertEquals(2, model.source.fetches.get(), "one fetch for the STALE token, its rejection and expiry");
            assertEquals("token-2", calls.get(0).outcome, "a call after the rejection of token-1");
            calls.forEach(Call::assertNoOlderThanItsFloor);
        });
    }

    /** One token() call: the oldest token it may get (see {@link Model#call()}) and what it got. */
    private static final class Call {
        final int floor;
        final String outcome;

        Call(int floor, String outcome) {
            this.floor = floor;
            this.outcome = outcome;
        }

        void assertNoOlderThanItsFloor() {
            assertTrue(outcome.startsWith("token-"), () -> "a token, not " + outcome);
            int number = Integer.parseInt(outcome.substring("token-".length()));
            assertTrue(number >= floor, () -> "a call that began when token-" + floor
                    + " was published or served got token-" + number);
        }
    }

    /** A provider with {@code token-1} cached, its counting source, clock and executor, and what its events told. */
    private static final class Model {
        final MutableClock clock = MutableClock.atEpochSecond(1_000_000);
        final CountingSource source;
        final RefreshThreads refreshes = new RefreshThreads();
        final RefreshingTokenSource tokens;
        final AtomicInteger newestServed = new AtomicInteger();
        final AtomicInteger backgroundRefreshes = new AtomicInteger();
        final AtomicInteger waits = new AtomicInteger();
        final AccessToken first;

        /** @param failingFetch the number of the fetch that fails (TOKEN_ENDPOINT_ERROR), or 0 for none */
        Model(int failingFetch) {
            source = new CountingSource(clock, failingFetch);
            tokens = new RefreshingTokenSource(CONFIG, source, clock, refreshes);
            first = tokens.token();
            refreshes.onOwnThreads();
            tokens.events(new TokenEvents() {
                @Override
                public void backgroundRefresh(String client) {
                    backgroundRefreshes.incrementAndGet();
                }

                @Override
                public void waited(String client) {
                    waits.incrementAndGet();
                }
            });
        }

        /**
         * Calls token(). Its floor is the newest token that, when the call began, a refresh had published or another
         * call had been served: the call must get that one or a newer one.
         */
        Call call() {
            int floor = Math.max(refreshes.published.get(), newestServed.get());
            try {
                AccessToken token = tokens.token();
                newestServed.accumulateAndGet(Integer.parseInt(token.value().substring("token-".length())),
                        Math::max);
                return new Call(floor, token.value());
            } catch (TokenException e) {
                return new Call(floor, e.code());
            }
        }

        Call afterRejecting(AccessToken rejected) {
            assertTrue(tokens.invalidate(rejected), "the rejected token is old enough to be dropped");
            return call();
        }

        /**
         * Runs each caller and each other action on its own thread, waits for them all and for every refresh they
         * started.
         *
         * @return what each caller's call got, in the callers' order
         */
        List<Call> inParallel(List<Supplier<Call>> callers, Runnable... others) {
            Call[] calls = new Call[callers.size()];
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < calls.length; i++) {
                int index = i;
                threads.add(new Thread(() -> calls[index] = callers.get(index).get()));
            }
            for (Runnable other : others) {
                threads.add(new Thread(other));
            }
            threads.forEach(Thread::start);
            threads.forEach(RefreshModelCheckTest::join);
            refreshes.joinAll();
            return List.of(calls);
        }
    }

    /** {@code token-1}, {@code token-2}, ... each valid for {@link #LIFETIME} from the clock's now. */
    private static final class CountingSource implements TokenSource {
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final MutableClock clock;
        private final int failingFetch;

        CountingSource(MutableClock clock, int failingFetch) {
            this.clock = clock;
            this.failingFetch = failingFetch;
        }

        @Override
        public AccessToken fetch(Duration timeout) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                int number = fetches.incrementAndGet();
                if (number == failingFetch) {
                    throw TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR).clientName(CONFIG.name())
                            .httpStatus(503).message("the token endpoint answered 503").retryable(true).build();
                }
                if (Thread.currentThread() instanceof RefreshThread refresh) {
                    refresh.fetched = number;
                }
                Instant now = clock.instant();
                return new AccessToken("token-" + number, "Bearer", now, now.plus(LIFETIME), null);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * Runs work inline until {@link #onOwnThreads()}, then each task on a new thread (the model checker schedules
     * threads the scenario starts, not those of a pool created elsewhere). Notes the newest token a finished refresh
     * published.
     */
    private static final class RefreshThreads implements Executor {
        final AtomicInteger published = new AtomicInteger();
        private final List<Thread> started = new ArrayList<>();
        private boolean onOwnThreads;

        void onOwnThreads() {
            onOwnThreads = true;
        }

        @Override
        public void execute(Runnable task) {
            if (!onOwnThreads) {
                task.run();
                return;
            }
            Thread thread = new RefreshThread(() -> {
                task.run();
                published.accumulateAndGet(((RefreshThread) Thread.currentThread()).fetched, Math::max);
            });
            synchronized (started) {
                started.add(thread);
            }
            thread.start();
        }

        void joinAll() {
            List<Thread> threads;
            synchronized (started) {
                threads = new ArrayList<>(started);
            }
            threads.forEach(RefreshModelCheckTest::join);
        }
    }

    /**
     * A refresh's thread, where the source notes the token it fetched. It does not override run(): the model checker
     * registers a thread on entering Thread.run and fails ("Descriptor of thread ... is already set") when an
     * override calls super.run().
     */
    private static final class RefreshThread extends Thread {
        int fetched;

        RefreshThread(Runnable refresh) {
            super(refresh);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + thread.getName(), e);
        }
    }
}
