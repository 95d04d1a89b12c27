package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background refreshes run at most {@value TokenSources#BACKGROUND_REFRESHES} at once per cache, the others queued;
 * a caller without a token never waits in that queue.
 */
class BackgroundRefreshesTest {

    private static final String SECRET = "background-secret-0123";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();

    @Test
    void whenForty_tokensTurnStaleTogetherThenSixteenRefreshesRunAtOnceAndACallerWithoutATokenIsNotQueued()
            throws Exception {
        TokenCache cache = fixture.cache();
        List<TokenProvider> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TokenProvider client = cache.provider(config("tenant-" + i));
            client.token();
            clients.add(client);
        }
        assertThat(server.tokenRequestCount()).isEqualTo(40);
        clock.advance(Duration.ofSeconds(3600 - 30)); // every token STALE, none expired

        server.holdResponses();
        for (TokenProvider client : clients) {
            client.token(); // served at once: its STALE token; its refresh is queued or started
        }
        assertThat(server.awaitTokenRequests(40 + TokenSources.BACKGROUND_REFRESHES, 10)).isTrue();
        assertThat(server.awaitTokenRequests(1, 1)).as("a 17th background refresh while 16 are held").isFalse();

        // a client without a token: its request goes out at once, though 24 background refreshes wait
        AtomicInteger served = new AtomicInteger();
        Thread caller = new Thread(() -> {
            cache.provider(config("newcomer")).token();
            served.incrementAndGet();
        });
        caller.start();
        assertThat(server.awaitTokenRequests(1, 10)).as("the waiting caller's request reached the server").isTrue();

        server.releaseResponses();
        caller.join(10_000);
        assertThat(served).hasValue(1);
        assertThat(server.awaitTokenRequests(40 - TokenSources.BACKGROUND_REFRESHES, 10))
                .as("the queued refreshes ran after the first ones").isTrue();
        assertThat(server.tokenRequestCount()).isEqualTo(40 + 40 + 1);
    }

    @Test
    void atMostTheLimitRunsAtOnceTheFirstAskedFirstAndEveryRefreshRuns() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            BackgroundRefreshes refreshes = new BackgroundRefreshes(pool, 4);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                int n = i;
                refreshes.execute(() -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    order.add(n);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertThat(refreshes.waiting()).isEqualTo(96);
            while (order.size() < 4) {
                Thread.onSpinWait();
            }
            assertThat(order).as("the first four asked run; the others wait").containsExactlyInAnyOrder(0, 1, 2, 3);
            release.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mostAtOnce.get()).isEqualTo(4);
            assertThat(order).hasSize(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRefreshTheExecutorRejectsRunsOnTheThreadAtHand() {
        AtomicInteger ran = new AtomicInteger();
        BackgroundRefreshes refreshes = new BackgroundRefreshes(task -> {
            throw new RejectedExecutionException("shut down");
        }, 4);
        for (int i = 0; i < 10; i++) {
            refreshes.execute(ran::incrementAndGet);
        }
        assertThat(ran).hasValue(10);
        assertThat(refreshes.waiting()).isZero();
    }

    private OAuthClientConfig config(String clientId) {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(clientId).clientSecret(SECRET)
                .build();
    }
}
