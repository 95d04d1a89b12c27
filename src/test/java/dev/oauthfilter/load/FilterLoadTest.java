package dev.oauthfilter.load;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.LogCapture;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load on loopback, bounded in count and time: 64 threads make 50,000 requests through one Jersey client with the
 * filter (more if needed to run for three token lifetimes) while 4-second tokens expire several times. The protected API checks every token against what the token
 * endpoint issued and when it expires. Figures go to {@code target/reliability/load.md}.
 */
class FilterLoadTest {

    private static final int THREADS = 64;
    private static final int REQUESTS = 50_000;
    private static final long LIFETIME_NANOS = Duration.ofSeconds(4).toNanos();
    // long enough for tokens to expire three times, however fast the machine
    private static final long MIN_RUN_NANOS = 3 * LIFETIME_NANOS;
    private static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TIME_LIMIT = Duration.ofMinutes(3);
    private static final String CLIENT_ID = "load";
    private static final String SECRET = "load-secret";

    // every token the token endpoint issued, with the instant it expires
    private final Map<String, Long> expiryByToken = new ConcurrentHashMap<>();

    @RegisterExtension
    final LogCapture logs = LogCapture.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.tokens(() -> expiryByToken.keySet()));

    @Test
    void sixtyFourThreadsFiftyThousandRequestsNeverWithoutAValidTokenAndOneTokenRequestPerTokenLifetime()
            throws Exception {
        AtomicInteger invalid = new AtomicInteger();
        try (FakeTokenServer server = FakeTokenServer.start()) {
            server.respond(r -> {
                String token = server.newToken();
                expiryByToken.put(token, System.nanoTime() + LIFETIME_NANOS);
                return Reply.json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":4}");
            });
            server.respondApi(r -> {
                String header = r.header("Authorization");
                Long expiry = header == null ? null : expiryByToken.get(header.substring("Bearer ".length()));
                if (expiry == null || System.nanoTime() >= expiry) {
                    invalid.incrementAndGet();
                    return Reply.json(401, "{}");
                }
                return Reply.of(200, "text/plain", new byte[] {'k'}, Map.of());
            });
            OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                    .clientSecret(SECRET).refreshBefore(Duration.ofSeconds(1))
                    .acquisitionTimeout(ACQUISITION_TIMEOUT).retryOnUnauthorized(false).build();
            Client client = ClientBuilder.newClient()
                    .register(new OAuthClientFilter(TokenCache.builder().build().provider(config)));

            AtomicInteger issued = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicLong slowestNanos = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(THREADS);
            long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
            long[] started = new long[1];
            for (int t = 0; t < THREADS; t++) {
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                        while ((issued.incrementAndGet() <= REQUESTS || System.nanoTime() - started[0] < MIN_RUN_NANOS)
                                && System.nanoTime() < deadline) {
                            long begin = System.nanoTime();
                            try (Response response = client.target(server.uri("/api/load")).request().get()) {
                                (response.getStatus() == 200 ? ok : failed).incrementAndGet();
                            } catch (RuntimeException e) {
                                failed.incrementAndGet();
                            }
                            slowestNanos.accumulateAndGet(System.nanoTime() - begin, Math::max);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "load-" + t);
                worker.setDaemon(true);
                worker.start();
            }
            long begin = System.nanoTime();
            started[0] = begin;
            start.countDown();
            assertThat(done.await(TIME_LIMIT.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
            client.close();

            int tokenRequests = server.tokenRequestCount();
            long lifetimesElapsed = elapsed.toNanos() / LIFETIME_NANOS;
            // a token is replaced when it turns stale, 1-1.1 s before it expires: one request per 2.9 s at most
            long perTokenGeneration = Duration.ofMillis(4000 - 1100).toNanos();
            long generationBound = elapsed.toNanos() / perTokenGeneration + 1;
            write(elapsed, ok.get() + failed.get(), ok.get(), failed.get(), invalid.get(), tokenRequests,
                    lifetimesElapsed, generationBound,
                    Duration.ofNanos(slowestNanos.get()));

            assertThat(ok.get() + failed.get()).as("requests made within the time limit")
                    .isGreaterThanOrEqualTo(REQUESTS);
            assertThat(invalid.get()).as("requests that reached the API without a valid token").isZero();
            assertThat(failed.get()).as("failed requests").isZero();
            assertThat(lifetimesElapsed).as("tokens expired several times during the run").isGreaterThanOrEqualTo(3);
            assertThat(tokenRequests).as("token requests: one per token generation").isLessThanOrEqualTo((int) generationBound);
            assertThat(Duration.ofNanos(slowestNanos.get())).as("no caller blocked beyond the acquisition timeout")
                    .isLessThan(ACQUISITION_TIMEOUT);
        }
    }

    @Test
    void churningKeysKeepTheCacheAtItsCapacity() {
        TokenCache cache = TokenCache.builder().capacity(100).build();
        for (int i = 0; i < 20_000; i++) {
            cache.provider(OAuthClientConfig.builder().tokenUrl(java.net.URI.create("https://as.example.com/token"))
                    .clientId("churn-" + i).clientSecret("s").build());
        }
        assertThat(cache.size()).isEqualTo(100);
    }

    private static void write(Duration elapsed, int requests, int ok, int failed, int invalid, int tokenRequests,
                              long lifetimes, long bound, Duration slowest) throws IOException {
        Path out = Path.of("target", "reliability", "load.md");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>(List.of(
                "| threads | requests | elapsed (s) | requests/s | 200 | failed | without a valid token "
                        + "| token lifetimes elapsed | token requests | bound (elapsed / 2.9 s + 1) | slowest request (ms) |",
                "|---|---|---|---|---|---|---|---|---|---|---|",
                String.format("| %d | %d | %.1f | %.0f | %d | %d | %d | %d | %d | %d | %d |", THREADS, requests,
                        elapsed.toMillis() / 1000.0, requests / (elapsed.toMillis() / 1000.0), ok, failed, invalid,
                        lifetimes, tokenRequests, bound, slowest.toMillis())));
        Files.write(out, lines, StandardCharsets.UTF_8);
    }
}
