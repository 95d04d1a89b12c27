package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Eventually;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.InMemoryJCacheFleet;
import dev.oauthfilter.testing.InMemoryJCacheFleet.Expiry;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.cache.Cache;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One replica's fleet-wide token source on its own, against an in-memory JCache ({@link InMemoryJCacheFleet}) that
 * the test writes to as other members would and whose operations it sees, with a local fetch that the test plays:
 * what it publishes (sealed, for as long as the token lives, never a token it cannot vouch for) and that it gives the
 * lease back on every path; what it adopts (never a token it saw refused, nor one inside any member's refresh window,
 * whatever the jitter); a failure shared for the longer of the cooldown and the endpoint's {@code Retry-After} and
 * read back with the time left; half the caller's time for the fleet, the rest for a fetch of its own; a store that
 * failed left alone, a caller whose own time ran out not blamed on the store.
 */
class SharedTokenSourceTest {

    private static final String CLIENT_ID = "source-client";
    private static final String SECRET = "source-secret-8e2";
    private static final Duration LEASE_TIME = Duration.ofSeconds(30);
    // a caller's time where it does not matter: the fleet's half is far more than an in-memory store needs
    private static final Duration TIME = Duration.ofSeconds(10);

    @RegisterExtension
    final LogCapture logs = LogCapture.forbidding(Forbidden.secret(CLIENT_ID, SECRET));

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000);
    private final InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.PER_ENTRY);
    private final SharedStore store = new SharedStore(fleet.manager(0), Duration.ofSeconds(2), LEASE_TIME);
    private final List<Duration> localTimeouts = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();

    @AfterEach
    void closeStore() {
        store.close();
        fleet.close();
    }

    private static OAuthClientConfig.Builder settings() {
        return withoutSecret().clientSecret(SECRET);
    }

    private static OAuthClientConfig.Builder withoutSecret() {
        return OAuthClientConfig.builder().tokenUrl(URI.create("https://idp.example.com/token")).clientId(CLIENT_ID)
                .refreshBefore(Duration.ofMinutes(5)).failureCooldown(Duration.ofSeconds(2));
    }

    private static final TokenSeal SEAL = TokenSeal.of(settings().build()).orElseThrow();
    private static final String NAME = SEAL.entryName();

    /** A token of an hour, issued now by the test's clock. */
    private AccessToken newToken() {
        return token(Duration.ofHours(1));
    }

    private AccessToken token(Duration lifetime) {
        return token(clock.instant(), lifetime);
    }

    private AccessToken token(Instant issuedAt, Duration lifetime) {
        return new AccessToken("token-" + issued.incrementAndGet(), "Bearer", issuedAt, issuedAt.plus(lifetime),
                null);
    }

    /** A source whose own fetches issue a new token each, recording the time they were given. */
    private SharedTokenSource source(OAuthClientConfig config) {
        return source(config, timeout -> newToken());
    }

    private SharedTokenSource source(OAuthClientConfig config, TokenSource fetch) {
        FleetSeals seals = new FleetSeals(config);
        // derived now (PBKDF2, up to seconds on a loaded machine), as after a member's first fetch: not out of the
        // fleet's half of a test's fetch
        seals.current();
        return new SharedTokenSource(config, seals, store, timeout -> {
            localTimeouts.add(timeout);
            return fetch.fetch(timeout);
        }, clock);
    }

    private Cache<String, String> tokens() {
        return fleet.cache(1, SharedStore.TOKENS);
    }

    private Cache<String, String> leases() {
        return fleet.cache(1, SharedStore.LEASES);
    }

    private String published() {
        awaitTrue(() -> tokens() != null && tokens().get(NAME) != null);
        return tokens().get(NAME);
    }

    private void awaitLeaseGivenBack() {
        awaitTrue(() -> leases() != null && leases().get(NAME) == null);
    }

    @Test
    void aTokenIsPublishedSealedForAsLongAsItLivesAndTheLeaseGivenBack() {
        SharedTokenSource source = source(settings().build());

        AccessToken token = source.fetch(TIME);

        assertThat(SEAL.open(published())).map(AccessToken::value).contains(token.value());
        assertThat(fleet.perEntryPuts(SharedStore.TOKENS)).isEqualTo(1);
        assertThat(fleet.timeToLive(SharedStore.TOKENS, NAME)).hasValueSatisfying(left -> assertThat(left)
                .isLessThanOrEqualTo(Duration.ofHours(1)).isGreaterThan(Duration.ofMinutes(59)));
        awaitLeaseGivenBack();
        assertThat(localTimeouts).hasSize(1);
        assertThat(logs.lines()).noneMatch(line -> line.contains("answers again") || line.startsWith("WARNING"));
    }

    /**
     * A defect found by this test: the publish put with a {@code CreatedExpiryPolicy}, whose expiry for an update is
     * null, which JCache (and Hazelcast 5.7, checked on a member: put for 2 s, put again for 60 s, gone after 3.5 s)
     * reads as "keep the entry's expiry": over an entry that is there, the usual case at each refresh, the new token's
     * entry left the store with the previous token. Now a {@code ModifiedExpiryPolicy}.
     */
    @Test
    void aRepublishedTokensEntryLivesAsLongAsTheNewToken() {
        AtomicReference<Duration> lifetime = new AtomicReference<>(Duration.ofSeconds(20));
        SharedTokenSource source = source(settings().build(), timeout -> token(lifetime.get()));
        source.fetch(TIME);
        awaitLeaseGivenBack();
        // the token of 20 s is stale now (refresh window: half its lifetime): the next fetch brings one of an hour
        clock.advance(Duration.ofSeconds(15));
        lifetime.set(Duration.ofHours(1));

        AccessToken next = source.fetch(TIME);
        awaitLeaseGivenBack();

        assertThat(SEAL.open(published())).map(AccessToken::value).contains(next.value());
        assertThat(fleet.timeToLive(SharedStore.TOKENS, NAME)).as("the entry of the token of an hour")
                .hasValueSatisfying(left -> assertThat(left).isGreaterThan(Duration.ofMinutes(59)));
    }

    @Test
    void aTokenInTheStoreIsAdoptedWithoutAFetchOrALease() {
        SharedTokenSource source = source(settings().build());
        source.fetch(TIME);
        awaitLeaseGivenBack();
        AccessToken shared = newToken();
        tokens().put(NAME, SEAL.seal(shared));
        List<String> leaseCalls = new CopyOnWriteArrayList<>();
        fleet.intercept(operation -> {
            if (operation.cache.equals(SharedStore.LEASES)) {
                leaseCalls.add(operation.name);
            }
        });

        AccessToken adopted = source.fetch(TIME);

        assertThat(adopted.value()).isEqualTo(shared.value());
        assertThat(adopted.expiresAt()).isEqualTo(shared.expiresAt());
        assertThat(localTimeouts).as("only the first fetch").hasSize(1);
        assertThat(leaseCalls).isEmpty();
    }

    @Test
    void aTokenAnotherMemberPublishedBetweenTheReadAndTheLeaseIsAdoptedAndTheLeaseGivenBack() {
        SharedTokenSource source = source(settings().build());
        AccessToken theirs = newToken();
        AtomicBoolean published = new AtomicBoolean();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.LEASES, "putIfAbsent")
                    && !published.getAndSet(true)) {
                tokens().put(NAME, SEAL.seal(theirs));
            }
        });

        AccessToken adopted = source.fetch(TIME);

        assertThat(adopted.value()).isEqualTo(theirs.value());
        assertThat(localTimeouts).as("no fetch of its own").isEmpty();
        awaitLeaseGivenBack();
    }

    @Test
    void aFetchThatFailedUnexpectedlyGivesTheLeaseBackAndTheFailureToTheCaller() {
        IllegalStateException bug = new IllegalStateException("a bug");
        SharedTokenSource source = source(settings().build(), timeout -> {
            throw bug;
        });

        assertThatThrownBy(() -> source.fetch(TIME)).isSameAs(bug);
        awaitLeaseGivenBack();
    }

    @Test
    void aTokenTooLargeToShareIsServedButNeitherPublishedNorKeepingTheLease() {
        char[] huge = new char[60_000];
        Arrays.fill(huge, 'x');
        AccessToken large = new AccessToken(new String(huge), "Bearer", clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), null);
        SharedTokenSource source = source(settings().build(), timeout -> large);

        assertThat(source.fetch(TIME)).isSameAs(large);
        awaitLeaseGivenBack();
        assertThat(fleet.timeToLive(SharedStore.TOKENS, NAME)).as("nothing published").isEmpty();
    }

    @Test
    void aTokenFetchedWhileTheSecretFileWasRotatedIsPublishedUnderNeitherSeal() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), SECRET);
        OAuthClientConfig config = withoutSecret().clientSecretFile(file).build();
        TokenSeal rotated = TokenSeal.of(settings().clientSecret("rotated-secret-77").build()).orElseThrow();
        SharedTokenSource source = source(config, timeout -> {
            try {
                Files.writeString(file, "rotated-secret-77");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return newToken();
        });

        AccessToken token = source.fetch(TIME);

        assertThat(token.value()).isEqualTo("token-1");
        awaitLeaseGivenBack();
        assertThat(fleet.timeToLive(SharedStore.TOKENS, NAME)).as("under the old seal").isEmpty();
        assertThat(fleet.timeToLive(SharedStore.TOKENS, rotated.entryName())).as("under the new seal").isEmpty();
        assertThat(logs.lines()).anyMatch(line -> line.contains("the credential changed during the request"));
    }

    @Test
    void aTokenThisMemberSawRefusedIsNeverAdoptedAgainThoughTheStoreHoldsItAgain() {
        SharedTokenSource source = source(settings().build());
        AccessToken refused = source.fetch(TIME);
        String sealed = published();
        awaitLeaseGivenBack();
        clock.advance(Duration.ofSeconds(10));

        source.invalidate(refused);
        awaitTrue(() -> tokens().get(NAME) == null);
        // a member that has not heard of the refusal yet publishes it again
        tokens().put(NAME, sealed);
        AccessToken next = source.fetch(TIME);

        assertThat(next.value()).isNotEqualTo(refused.value());
        assertThat(localTimeouts).hasSize(2);
    }

    @Test
    void aRefusalOfAnotherTokenLeavesTheFleetsTokenAlone() {
        SharedTokenSource source = source(settings().build());
        AccessToken current = source.fetch(TIME);
        published();
        List<Thread> readers = watch(operation -> operation.replica == 0 && operation.is(SharedStore.TOKENS, "get"));

        source.invalidate(newToken());
        awaitDone(readers);
        assertThat(SEAL.open(tokens().get(NAME))).map(AccessToken::value).contains(current.value());

        // nor a value it cannot open: not a token of its own to drop
        tokens().put(NAME, "s1.forged");
        readers = watch(operation -> operation.replica == 0 && operation.is(SharedStore.TOKENS, "get"));
        source.invalidate(current);
        awaitDone(readers);
        assertThat(tokens().get(NAME)).isEqualTo("s1.forged");
    }

    @Test
    void aTokenInsideAnyMembersRefreshWindowIsNotAdoptedWhateverTheJitter() {
        SharedTokenSource source = source(settings().build());
        fleet.manager(1);
        source.fetch(TIME);
        awaitLeaseGivenBack();
        Instant anHourAgo = clock.instant().minus(Duration.ofHours(1));
        // refresh-before 5 min, up to 10% (30 s) earlier for some member: stale for one from 5 min 30 s before expiry
        AccessToken inTheBand = token(anHourAgo, Duration.ofHours(1).plus(Duration.ofSeconds(329)));
        tokens().put(NAME, SEAL.seal(inTheBand));

        AccessToken fetched = source.fetch(TIME);

        assertThat(fetched.value()).as("a token of its own").isNotEqualTo(inTheBand.value());
        assertThat(localTimeouts).hasSize(2);
        awaitLeaseGivenBack();
        AccessToken beyondTheBand = token(anHourAgo, Duration.ofHours(1).plus(Duration.ofSeconds(331)));
        tokens().put(NAME, SEAL.seal(beyondTheBand));
        assertThat(source.fetch(TIME).value()).isEqualTo(beyondTheBand.value());
        assertThat(localTimeouts).hasSize(2);
    }

    @Test
    void aFailureIsSharedForTheLongerOfTheCooldownAndTheEndpointsRetryAfterCappedAtMaxRetryAfter() {
        OAuthClientConfig config = settings().maxRetryAfter(Duration.ofSeconds(60)).build();
        AtomicReference<Duration> retryAfter = new AtomicReference<>();
        SharedTokenSource source = source(config, timeout -> {
            throw TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR).message("503").retryable(true)
                    .retryAfter(retryAfter.get()).build();
        });
        long[][] cases = {{7_000, 7_000}, {1_000, 2_000}, {600_000, 60_000}};
        for (long[] expected : cases) {
            leasesClear();
            retryAfter.set(Duration.ofMillis(expected[0]));

            assertThatThrownBy(() -> source.fetch(TIME)).isInstanceOf(TokenException.class);

            String marker = awaitMarker("cooldown:");
            assertThat(marker).as("Retry-After %d ms", expected[0])
                    .isEqualTo("cooldown:TOKEN_ENDPOINT_ERROR:1@" + clock.millis() + "@" + (clock.millis() + expected[1]));
        }
    }

    @Test
    void aMemberDuringACooldownGetsTheFailureWithTheTimeLeftAndWhetherRetryingHelps() {
        OAuthClientConfig config = settings().build();
        SharedTokenSource source = source(config);
        fleet.manager(1);
        source.fetch(TIME);
        awaitLeaseGivenBack();
        tokens().clear();
        for (String failure : List.of("TOKEN_ENDPOINT_UNREACHABLE:1", "INVALID_TOKEN_RESPONSE:0")) {
            leases().put(NAME, SEAL.sign("cooldown:" + failure + "@" + clock.millis() + "@" + (clock.millis() + 1_500)));

            assertThatThrownBy(() -> source.fetch(TIME)).isInstanceOfSatisfying(
                    TokenException.class, e -> {
                        assertThat(e.code()).isEqualTo(failure.substring(0, failure.indexOf(':')));
                        assertThat(e.isRetryable()).isEqualTo(failure.endsWith(":1"));
                        assertThat(e.retryAfter()).contains(Duration.ofMillis(1_500));
                        assertThat(e.clientName()).contains("default");
                        assertThat(e).hasMessageContaining("waits 1500 ms");
                    });
        }
        assertThat(localTimeouts).as("no fetch during a cooldown").hasSize(1);
    }

    @Test
    void theFleetGetsHalfTheCallersTimeAndAFetchOfItsOwnTheRest() {
        SharedTokenSource source = source(settings().build());
        fleet.manager(1);
        source.fetch(TIME);
        awaitLeaseGivenBack();
        tokens().clear();
        leases().put(NAME, SEAL.sign("lease:a-slow-member@" + clock.millis() + "@" + (clock.millis() + 60_000)));
        AtomicInteger polls = new AtomicInteger();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.LEASES, "putIfAbsent")) {
                polls.incrementAndGet();
            }
        });

        AccessToken own = source.fetch(Duration.ofSeconds(2));

        assertThat(own.value()).isEqualTo("token-2");
        assertThat(localTimeouts.get(1)).as("the time left for its own fetch")
                .isLessThanOrEqualTo(Duration.ofSeconds(1)).isGreaterThan(Duration.ofMillis(400));
        // polls 20, 40, 80, 160 ms apart, then every 200 ms
        assertThat(polls.get()).as("polls of the lease in 1 s").isBetween(3, 15);
        assertThat(logs.lines()).noneMatch(line -> line.startsWith("WARNING"));
    }

    @Test
    void aStoreThatFailedIsLeftAloneForAWhileAndSaidOnce() throws Exception {
        SharedTokenSource source = source(settings().build());
        AtomicInteger attempts = new AtomicInteger();
        fleet.intercept(operation -> {
            if (operation.replica == 0) {
                attempts.incrementAndGet();
            }
        });
        fleet.kill(0);

        AccessToken first = source.fetch(TIME);
        int afterFirst = attempts.get();
        AccessToken second = source.fetch(TIME);
        int afterSecond = attempts.get();
        CountDownLatch invalidated = new CountDownLatch(1);
        fleet.intercept(operation -> invalidated.countDown());
        source.invalidate(second);

        assertThat(List.of(first.value(), second.value())).containsExactly("token-1", "token-2");
        assertThat(afterFirst).as("the store was tried").isPositive();
        assertThat(afterSecond).as("then left alone").isEqualTo(afterFirst);
        // a write in the background that would be there within milliseconds: 300 ms without it prove its absence
        assertThat(invalidated.await(300, TimeUnit.MILLISECONDS)).as("the refusal is not written either").isFalse();
        assertThat(localTimeouts.get(1)).as("the whole time for a fetch of its own").isEqualTo(TIME);
        assertThat(logs.lines()).filteredOn(line -> line.startsWith("WARNING")).singleElement()
                .satisfies(line -> assertThat(line).contains("without the fleet for 30 s"));
    }

    @Test
    void aCallerWhoseOwnTimeRanOutWaitingForTheStoreDoesNotGiveTheStoreUp() {
        SharedTokenSource source = source(settings().build());
        source.fetch(TIME);
        awaitLeaseGivenBack();
        tokens().clear();
        AtomicBoolean slowOnce = new AtomicBoolean();
        fleet.intercept(operation -> {
            if (operation.replica == 0 && operation.is(SharedStore.TOKENS, "get") && !slowOnce.getAndSet(true)) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            }
        });

        // 200 ms for the fleet: less than the store's timeout (2 s)
        AccessToken hurried = source.fetch(Duration.ofMillis(400));
        AccessToken next = source.fetch(TIME);

        assertThat(slowOnce).as("the store was slow for the hurried caller").isTrue();
        assertThat(hurried.value()).isEqualTo("token-2");
        assertThat(SEAL.open(published())).as("the next fetch went through the store").map(AccessToken::value)
                .contains(next.value());
        assertThat(logs.lines()).noneMatch(line -> line.startsWith("WARNING"));
    }

    @Test
    void aFetchWithoutACredentialNowGoesOnAloneAndLeavesTheFleetAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), SECRET);
        SharedTokenSource source = source(withoutSecret().clientSecretFile(file).build());
        Files.writeString(file, " ");
        AtomicInteger attempts = new AtomicInteger();
        fleet.intercept(operation -> attempts.incrementAndGet());

        AccessToken token = source.fetch(TIME);
        source.invalidate(token);

        assertThat(localTimeouts).containsExactly(TIME);
        assertThat(attempts).hasValue(0);
    }

    @Test
    void aCallerInterruptedWhileWaitingForAnotherMembersTokenIsToldSo() throws Exception {
        SharedTokenSource source = source(settings().build());
        fleet.manager(1);
        source.fetch(TIME);
        awaitLeaseGivenBack();
        tokens().clear();
        leases().put(NAME, SEAL.sign("lease:a-slow-member@" + clock.millis() + "@" + (clock.millis() + 60_000)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                source.fetch(Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        awaitTrue(() -> Arrays.stream(caller.getStackTrace()).anyMatch(frame -> frame.getMethodName()
                .equals("sleep") && frame.getClassName().equals(SharedTokenSource.class.getName())));
        caller.interrupt();
        caller.join(10_000);

        assertThat(thrown.get()).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERRUPTED);
            assertThat(e).hasMessageContaining("another member's token");
        });
        assertThat(stillInterrupted).isTrue();
        assertThat(localTimeouts).hasSize(1);
    }

    private void leasesClear() {
        if (leases() != null) {
            leases().clear();
        }
    }

    /** @return the marker of this source's entry once it starts with {@code kind} (written in the background) */
    private String awaitMarker(String kind) {
        awaitTrue(() -> leases() != null && leases().get(NAME) != null
                && SEAL.verify(leases().get(NAME)).map(marker -> marker.startsWith(kind)).orElse(false));
        return SEAL.verify(leases().get(NAME)).orElseThrow();
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

    /** Waits (bounded) until a watched operation began and its thread is back in the pool: its write is over. */
    private static void awaitDone(List<Thread> threads) {
        awaitTrue(() -> !threads.isEmpty());
        Threads.awaitAllTimedWaiting(threads, Duration.ofSeconds(5));
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Eventually.await(Duration.ofSeconds(5), condition);
    }
}
