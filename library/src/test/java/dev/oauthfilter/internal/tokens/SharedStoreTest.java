package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Eventually;
import dev.oauthfilter.testing.InMemoryJCacheFleet;
import dev.oauthfilter.testing.InMemoryJCacheFleet.Expiry;
import dev.oauthfilter.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared store on its own, against an in-memory JCache ({@link InMemoryJCacheFleet}) whose operations the test
 * sees before they run: its caches made with their lifetimes (or taken as a provider's configuration defines them),
 * a lease taken, held, run out or taken over whatever another member wrote or changed between two reads, every
 * operation bounded by the store's timeout or the caller's deadline (and ended when it gives up), failures reported
 * and never thrown at a writer, and its threads daemons of its own that {@code close} ends.
 */
class SharedStoreTest {

    private static final Duration LEASE_TIME = Duration.ofSeconds(5);
    private static final long NOW = Instant.parse("2026-12-07T10:00:00Z").toEpochMilli();
    private static final OAuthClientConfig CONFIG = OAuthClientConfig.builder()
            .tokenUrl(URI.create("https://idp.example.com/token")).clientId("store-client")
            .clientSecret("store-secret-31").build();
    private static final TokenSeal SEAL = TokenSeal.of(CONFIG).orElseThrow();
    private static final String NAME = SEAL.entryName();

    private final InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.CACHE_POLICY);
    // far more than an in-memory store needs, however loaded the machine; tests of the timeout make a store of 300 ms
    private final SharedStore store = new SharedStore(fleet.manager(0), Duration.ofSeconds(2), LEASE_TIME);
    private final SharedStore hasty = new SharedStore(fleet.manager(0), Duration.ofMillis(300), LEASE_TIME);
    private final List<SharedStore.Unavailable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeStore() {
        store.close();
        hasty.close();
        fleet.close();
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    }

    private Cache<String, String> leases() {
        return fleet.cache(1, SharedStore.LEASES);
    }

    /** Makes both caches, as a member's first fetch does (and leaves no lease). */
    private void caches() {
        store.token(NAME, deadline());
        store.lease(SEAL, NOW, deadline());
        leases().remove(NAME);
    }

    @Test
    void theCachesAreMadeWithTheirLifetimesATokenForADayAMarkerForTwiceTheLeaseTime() {
        store.publish(NAME, "sealed", Duration.ZERO, "no-lease", failures::add);
        awaitValue(() -> fleet.timeToLive(SharedStore.TOKENS, NAME).isPresent());
        SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());

        assertThat(fleet.timeToLive(SharedStore.TOKENS, NAME)).hasValueSatisfying(left ->
                assertThat(left).isGreaterThan(Duration.ofHours(23)).isLessThanOrEqualTo(Duration.ofHours(24)));
        assertThat(lease.taken).isTrue();
        assertThat(store.markerLifetimeMillis()).isEqualTo(2 * LEASE_TIME.toMillis());
        assertThat(fleet.timeToLive(SharedStore.LEASES, NAME)).hasValueSatisfying(left ->
                assertThat(left).isGreaterThan(Duration.ofSeconds(9)).isLessThanOrEqualTo(Duration.ofSeconds(10)));
        assertThat(failures).isEmpty();
    }

    @Test
    void cachesThatAProvidersConfigurationDefinesWithoutTypesAreUsedAsTheyAre() {
        fleet.declareWithoutTypes(SharedStore.TOKENS);
        fleet.declareWithoutTypes(SharedStore.LEASES);

        SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());
        store.publish(NAME, "sealed", Duration.ofMinutes(5), lease.value, failures::add);

        assertThat(lease.taken).isTrue();
        awaitValue(() -> store.token(NAME, deadline()).isPresent());
        assertThat(store.token(NAME, deadline())).contains("sealed");
        assertThat(failures).isEmpty();
    }

    @Test
    void aCacheThatAnotherMemberCreatedMeanwhileIsTakenAsItIs() {
        AtomicBoolean raced = new AtomicBoolean();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.TOKENS, "createCache") && !raced.getAndSet(true)) {
                fleet.manager(1).createCache(SharedStore.TOKENS,
                        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
            }
        });

        assertThat(store.token(NAME, deadline())).isEmpty();
        assertThat(raced).isTrue();
    }

    @Test
    void aCacheThatCanNeitherBeCreatedNorFoundFailsTheOperation() {
        fleet.intercept(operation -> {
            if (operation.name.equals("createCache")) {
                throw new CacheException("refused by the provider");
            }
        });

        assertThatThrownBy(() -> store.token(NAME, deadline())).isInstanceOfSatisfying(SharedStore.Unavailable.class,
                e -> {
                    assertThat(e.storeFault()).isTrue();
                    assertThat(e).hasMessageContaining(CacheException.class.getName())
                            .cause().hasMessage("refused by the provider");
                });
    }

    @Test
    void aLeaseIsHeldUntilItsLastMillisecondAndTakenOverAfterIt() {
        SharedStore.Lease first = store.lease(SEAL, NOW, deadline());
        long until = NOW + LEASE_TIME.toMillis();

        SharedStore.Lease atItsEnd = store.lease(SEAL, until, deadline());
        SharedStore.Lease after = store.lease(SEAL, until + 1, deadline());

        assertThat(first.taken).isTrue();
        assertThat(first.until()).isEqualTo(until);
        assertThat(atItsEnd.taken).as("held at its last millisecond").isFalse();
        assertThat(atItsEnd.until()).isEqualTo(until);
        assertThat(atItsEnd.value).isEqualTo(first.value);
        assertThat(atItsEnd.cooldownCode()).isEmpty();
        assertThat(after.taken).as("run out").isTrue();
        assertThat(leases().get(NAME)).isEqualTo(after.value).isNotEqualTo(first.value);
    }

    @Test
    void aLeaseThatAClockFarAheadWroteHoldsNoLongerThanTheStoreKeepsIt() {
        caches();
        leases().put(NAME, SEAL.sign("lease:ahead@" + NOW + "@" + Long.MAX_VALUE));

        SharedStore.Lease held = store.lease(SEAL, NOW, deadline());

        assertThat(held.taken).isFalse();
        assertThat(held.until()).isEqualTo(NOW + 2 * LEASE_TIME.toMillis());
    }

    @Test
    void signedMarkersThatSayNothingReadableAreTakenOver() {
        caches();
        for (String marker : List.of("lease:no-time", "lease:x@soon", "lease:x@", "unknown:x@" + NOW + "@" + (NOW + 1000),
                "cooldown:INTERRUPTED:1@" + NOW + "@" + (NOW + 1000),
                "cooldown:TOKEN_ENDPOINT_ERROR@" + NOW + "@" + (NOW + 1000), "lease:x@" + NOW + "@soon",
                "cooldown:TOKEN_ENDPOINT_ERROR:1@" + (NOW + 1000))) {
            leases().put(NAME, SEAL.sign(marker));

            SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());

            assertThat(lease.taken).as(marker).isTrue();
            assertThat(leases().get(NAME)).as(marker).isEqualTo(lease.value);
        }
    }

    @Test
    void aCooldownTellsItsFailureAndUntilWhen() {
        SharedStore.Lease mine = store.lease(SEAL, NOW, deadline());
        store.coolDown(SEAL, mine.value, "TOKEN_ENDPOINT_UNREACHABLE:1", NOW, NOW + 3000, failures::add);
        awaitValue(() -> !mine.value.equals(leases().get(NAME)));

        SharedStore.Lease other = store.lease(SEAL, NOW + 1000, deadline());

        assertThat(other.taken).isFalse();
        assertThat(other.cooldownCode()).contains("TOKEN_ENDPOINT_UNREACHABLE:1");
        assertThat(other.until()).isEqualTo(NOW + 3000);
        assertThat(SEAL.verify(leases().get(NAME))).contains("cooldown:TOKEN_ENDPOINT_UNREACHABLE:1@" + NOW + "@" + (NOW + 3000));
    }

    @Test
    void aCooldownReplacesOnlyTheLeaseItWasGivenAndAReleaseGivesBackOnlyItsOwn() {
        caches();
        leases().put(NAME, SEAL.sign("lease:another-member@" + NOW + "@" + (NOW + 4000)));
        String others = leases().get(NAME);
        List<Thread> writers = watch(operation -> operation.replica == 0 && operation.cache.equals(SharedStore.LEASES));

        store.coolDown(SEAL, SEAL.sign("lease:mine@" + NOW + "@" + (NOW + 4000)), "TOKEN_ENDPOINT_ERROR:0", NOW, NOW + 3000,
                failures::add);
        store.release(NAME, SEAL.sign("lease:mine@" + NOW + "@" + (NOW + 4000)), failures::add);
        awaitDone(writers, 2);

        assertThat(leases().get(NAME)).isEqualTo(others);
        assertThat(failures).isEmpty();
    }

    @Test
    void aPublishReplacesTheTokenAndGivesTheLeaseBack() {
        SharedStore.Lease mine = store.lease(SEAL, NOW, deadline());
        store.publish(NAME, "first", Duration.ofMinutes(5), "not-the-lease", failures::add);
        awaitValue(() -> store.token(NAME, deadline()).isPresent());

        store.publish(NAME, "second", Duration.ofMinutes(5), mine.value, failures::add);

        awaitValue(() -> leases().get(NAME) == null);
        assertThat(store.token(NAME, deadline())).contains("second");
        assertThat(failures).isEmpty();
    }

    @Test
    void aLeaseThatVanishedBetweenTwoReadsIsTakenAtTheSecondAttempt() {
        caches();
        leases().put(NAME, SEAL.sign("lease:leaving@" + NOW + "@" + (NOW + 4000)));
        AtomicBoolean gone = new AtomicBoolean();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.LEASES, "get") && !gone.getAndSet(true)) {
                leases().remove(NAME);
            }
        });

        SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());

        assertThat(lease.taken).isTrue();
        assertThat(leases().get(NAME)).isEqualTo(lease.value);
    }

    @Test
    void aLeaseTakenOverByAnotherMemberBetweenTwoReadsIsHeldByIt() {
        caches();
        leases().put(NAME, SEAL.sign("lease:dead@" + (NOW - 5001) + "@" + (NOW - 1)));
        String winner = SEAL.sign("lease:winner@" + NOW + "@" + (NOW + 4000));
        AtomicBoolean raced = new AtomicBoolean();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.LEASES, "replace") && !raced.getAndSet(true)) {
                leases().put(NAME, winner);
            }
        });

        SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());

        assertThat(lease.taken).isFalse();
        assertThat(lease.value).isEqualTo(winner);
        assertThat(lease.until()).isEqualTo(NOW + 4000);
    }

    @Test
    void anEntryThatKeepsChangingUnderTheCallIsAskedForAgain() {
        caches();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.LEASES, "putIfAbsent")) {
                leases().put(NAME, "another member's");
            } else if (operation.replica == 0 && operation.is(SharedStore.LEASES, "get")) {
                leases().remove(NAME);
            }
        });

        SharedStore.Lease lease = store.lease(SEAL, NOW, deadline());

        assertThat(lease.taken).isFalse();
        assertThat(lease.until()).isEqualTo(Long.MIN_VALUE);
        assertThat(lease.cooldownCode()).isEmpty();
    }

    @Test
    void aStoreThatHangsIsGivenUpAfterItsTimeoutAndItsOperationEnded() throws Exception {
        hasty.token(NAME, deadline());
        hasty.lease(SEAL, NOW, deadline());
        CountDownLatch interrupted = new CountDownLatch(1);
        fleet.intercept(operation -> {
            if (operation.is(SharedStore.TOKENS, "get")) {
                try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            }
        });

        assertThatThrownBy(() -> hasty.token(NAME, deadline())).isInstanceOfSatisfying(SharedStore.Unavailable.class,
                e -> {
                    assertThat(e.storeFault()).as("the store's fault").isTrue();
                    assertThat(e).hasMessageContaining("did not answer within 300 ms");
                });
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the hung operation ended").isTrue();
    }

    @Test
    void aCallerWhoseTimeRunsOutFirstIsToldSoAndTheStoreIsNotBlamed() {
        caches();
        fleet.intercept(operation -> {
            if (operation.is(SharedStore.TOKENS, "get")) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            }
        });

        assertThatThrownBy(() -> store.token(NAME, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)))
                .isInstanceOfSatisfying(SharedStore.Unavailable.class, e -> {
                    assertThat(e.storeFault()).isFalse();
                    assertThat(e).hasMessageContaining("no time left");
                });
    }

    @Test
    void theFirstCallsWhichMakeTheCachesMayTakeLongerThanTheTimeout() {
        fleet.intercept(operation -> {
            if (operation.name.equals("createCache")) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(600));
            }
        });

        assertThat(hasty.token(NAME, deadline())).as("tokens made in 600 ms, timeout 300 ms").isEmpty();
        assertThat(hasty.lease(SEAL, NOW, deadline()).taken).as("leases made in 600 ms").isTrue();
        fleet.intercept(operation -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(600)));
        assertThatThrownBy(() -> hasty.token(NAME, deadline())).as("once both are made: the timeout")
                .isInstanceOf(SharedStore.Unavailable.class);
    }

    @Test
    void aFailingStoreIsReportedWithWhatItThrew() {
        caches();
        fleet.kill(0);

        assertThatThrownBy(() -> store.token(NAME, deadline())).isInstanceOfSatisfying(SharedStore.Unavailable.class,
                e -> {
                    assertThat(e.storeFault()).isTrue();
                    assertThat(e).hasMessageContaining(IllegalStateException.class.getName())
                            .cause().isInstanceOf(IllegalStateException.class);
                });
    }

    @Test
    void aFailedWriteIsReportedToItsWriterNeverThrown() {
        caches();
        fleet.kill(0);

        store.publish(NAME, "sealed", Duration.ofMinutes(5), "lease", failures::add);
        store.removeIf(NAME, sealed -> true, failures::add);
        store.release(NAME, "lease", failures::add);
        store.coolDown(SEAL, "lease", "TOKEN_ENDPOINT_ERROR:1", NOW, NOW, failures::add);

        awaitValue(() -> failures.size() == 4);
        assertThat(failures).allSatisfy(e -> {
            assertThat(e.storeFault()).isTrue();
            assertThat(e).hasMessageContaining(IllegalStateException.class.getName());
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void anInterruptedCallerIsToldSoAndKeepsItsInterrupt() throws Exception {
        caches();
        CountDownLatch hanging = new CountDownLatch(1);
        fleet.intercept(operation -> {
            if (operation.is(SharedStore.TOKENS, "get")) {
                hanging.countDown();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                store.token(NAME, deadline());
            } catch (RuntimeException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);

        assertThat(thrown.get()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERRUPTED));
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void aRefusedTokenIsRemovedAndAnyOtherKept() {
        caches();
        store.publish(NAME, "refused", Duration.ofMinutes(5), "lease", failures::add);
        awaitValue(() -> store.token(NAME, deadline()).isPresent());
        List<Thread> readers = watch(operation -> operation.replica == 0 && operation.is(SharedStore.TOKENS, "get"));

        store.removeIf(NAME, "another"::equals, failures::add);
        awaitDone(readers, 1);
        assertThat(store.token(NAME, deadline())).as("another token refused").contains("refused");

        store.removeIf(NAME, "refused"::equals, failures::add);
        awaitValue(() -> store.token(NAME, deadline()).isEmpty());
        List<String> asked = new CopyOnWriteArrayList<>();
        readers = watch(operation -> operation.replica == 0 && operation.is(SharedStore.TOKENS, "get"));
        store.removeIf(NAME, sealed -> asked.add(sealed), failures::add);
        awaitDone(readers, 1);
        assertThat(asked).as("no token: nothing to ask about").isEmpty();
        assertThat(failures).isEmpty();
    }

    @Test
    void theStoresThreadsAreDaemonsOfItsOwnWithoutTheCallersClassLoaderAndCloseEndsThem() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        fleet.intercept(operation -> worker.compareAndSet(null, Thread.currentThread()));
        // a thread inherits its maker's daemon flag: the store's first call from a thread that is none
        Thread caller = new Thread(() -> store.token(NAME, deadline()));
        caller.setDaemon(false);
        caller.start();
        caller.join(10_000);
        Thread thread = worker.get();

        assertThat(thread.getName()).startsWith("oauth-filter-shared-");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getContextClassLoader()).isNull();
        store.close();
        thread.join(10_000);
        assertThat(thread.isAlive()).as("ended by close").isFalse();
        assertThat(store.token(NAME, deadline())).as("made anew when asked again").isEmpty();
    }

    /** @return the threads that run the operations {@code wanted} picks from now on, one per operation */
    private List<Thread> watch(Predicate<InMemoryJCacheFleet.Operation> wanted) {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        fleet.intercept(operation -> {
            if (wanted.test(operation)) {
                threads.add(Thread.currentThread());
            }
        });
        return threads;
    }

    /**
     * Waits (bounded) until {@code count} watched operations began and their threads are back in the pool, idle: the
     * background writes they belong to are over, so that a write that must not happen has had every chance to.
     */
    private static void awaitDone(List<Thread> threads, int count) {
        awaitValue(() -> threads.size() >= count);
        Threads.awaitAllTimedWaiting(threads, Duration.ofSeconds(5));
    }

    private static void awaitValue(BooleanSupplier condition) {
        Eventually.await(Duration.ofSeconds(5), condition);
    }
}
