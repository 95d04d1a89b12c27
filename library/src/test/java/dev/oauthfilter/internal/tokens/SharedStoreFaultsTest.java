package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared store that is slow, hangs or holds a dead member's lease never costs a caller a token that a fetch of
 * its own would have brought: the fleet gets half of the caller's acquisition time, the other half is kept for that
 * fetch. Against an in-memory JCache whose operations take as long as the test says ({@link SlowJCache}).
 */
class SharedStoreFaultsTest {

    private static final String SECRET = "faults-secret-19";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("faults", SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final SlowJCache store = new SlowJCache();

    private OAuthClientConfig config(Duration acquisitionTimeout) {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("faults").clientSecret(SECRET)
                .acquisitionTimeout(acquisitionTimeout).refreshBefore(Duration.ofMinutes(5)).maxAttempts(1).build();
    }

    private TokenProvider shared(OAuthClientConfig config) {
        return fixture.newCache(b -> b.sharedVia(store.manager()).executor(new ManualExecutor())).provider(config);
    }

    @Test
    void aHungStoreAndAnAcquisitionTimeoutShorterThanTheStoreTimeoutStillGiveAToken() {
        server.issueTokensLasting(3600);
        store.latencyMillis.set(60_000);

        AccessToken token = shared(config(Duration.ofMillis(400))).token();

        assertThat(token.expiresAt()).isAfter(clock.instant());
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aSlowButAnsweringStoreDoesNotMakeTheCallerMissItsAcquisitionTimeout() {
        server.issueTokensLasting(3600);
        // below the 500 ms store timeout: each operation answers, slowly
        store.latencyMillis.set(400);

        AccessToken token = shared(config(Duration.ofMillis(1500))).token();

        assertThat(token.expiresAt()).isAfter(clock.instant());
    }

    @Test
    void aDeadMembersLeaseLongerThanTheCallersTimeDoesNotFailTheCaller() {
        server.issueTokensLasting(3600);
        OAuthClientConfig config = config(Duration.ofSeconds(2));
        TokenProvider provider = shared(config);
        String name = TokenSeal.of(config).orElseThrow().entryName();
        // a member took the lease for a minute and crashed
        store.caches.computeIfAbsent(SharedStore.LEASES, k -> new ConcurrentHashMap<>())
                .put(name, "dead-member@" + (clock.millis() + 60_000));

        AccessToken token = provider.token();

        assertThat(token.expiresAt()).isAfter(clock.instant());
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void invalidateDoesNotWaitForTheStore() {
        server.issueTokensLasting(3600);
        TokenCache cache = fixture.newCache(b -> b.sharedVia(store.manager()).executor(new ManualExecutor()));
        TokenProvider provider = cache.provider(config(Duration.ofSeconds(5)));
        AccessToken first = provider.token();
        clock.advance(Duration.ofSeconds(10));
        store.latencyMillis.set(60_000);
        try {
            long started = System.nanoTime();
            assertThat(provider.invalidate(first)).isTrue();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            // what the filter does on a 401, on the response thread: the store is told in the background
            // (a call to the store would take its timeout, 500 ms, at least)
            assertThat(tookMillis).as("invalidate, with a store that takes a minute per operation").isLessThan(400);
        } finally {
            // ends the background write still waiting for the store
            cache.close();
        }
    }

    @Test
    void anInterruptedCallerIsToldSoAndTheFleetIsNotGivenUp() throws Exception {
        server.issueTokensLasting(3600);
        store.latencyMillis.set(30_000);
        OAuthClientConfig config = config(Duration.ofSeconds(20));
        AtomicInteger localFetches = new AtomicInteger();
        TokenSource local = timeout -> {
            localFetches.incrementAndGet();
            return new AccessToken("t" + localFetches.get(), "Bearer", clock.instant(),
                    clock.instant().plusSeconds(3600), null);
        };
        SharedStore shared = new SharedStore(store.manager(), Duration.ofSeconds(10), Duration.ofSeconds(5));
        SharedTokenSource source = new SharedTokenSource(config, new FleetSeals(config), shared, local,
                clock);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        CountDownLatch calling = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            calling.countDown();
            try {
                source.fetch(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            caller.start();
            calling.await();
            // the caller waits for the store (30 s per operation); it is interrupted meanwhile
            while (store.operations.get() == 0) {
                Thread.onSpinWait();
            }
            caller.interrupt();
            caller.join(10_000);

            assertThat(failure.get()).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(e.code()).isEqualTo("INTERRUPTED"));
            assertThat(localFetches.get()).as("no token request from an interrupted caller").isZero();
            assertThat(fixture.logs().lines()).noneMatch(line -> line.startsWith("WARNING"));
        } finally {
            shared.close();
        }
    }

    @Test
    void aTokenInsideAnyMembersRefreshWindowIsNotAdoptedAgain() {
        server.issueTokensLasting(3600);
        AtomicInteger backgroundRefreshes = new AtomicInteger();
        ManualExecutor refreshes = new ManualExecutor();
        TokenCache cache = fixture.newCache(b -> b.sharedVia(store.manager()).executor(refreshes));
        TokenProvider provider = cache.provider(config(Duration.ofSeconds(5)));
        cache.events(new TokenEvents() {
            @Override
            public void backgroundRefresh(String client) {
                backgroundRefreshes.incrementAndGet();
            }
        });
        String first = provider.token().value();
        // 5 min + 15 s before expiry: inside the 30 s jitter band of the refresh window
        clock.advance(Duration.ofSeconds(3600 - 315));

        for (int i = 0; i < 200; i++) {
            provider.token();
        }

        assertThat(backgroundRefreshes.get()).as("background refreshes").isLessThanOrEqualTo(1);
        if (backgroundRefreshes.get() == 1) {
            assertThat(provider.token().value()).as("the refresh brought a new token, not the stale one again")
                    .isNotEqualTo(first);
        }
    }
}
