package dev.oauthfilter.load;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load on loopback, bounded in count and time: 64 threads make 50,000 requests through one Jersey client with the
 * filter (more if needed to run for three token lifetimes) while 4-second tokens expire several times. The protected
 * API checks every token against what the token endpoint issued and when it expires, and the token endpoint records
 * when it issued each token: one token request per token generation, each only once the previous token was stale.
 * Figures go to {@code target/reliability/load.md}.
 */
class FilterLoadTest {

    private static final int THREADS = 64;
    private static final int REQUESTS = 50_000;
    private static final long LIFETIME_NANOS = Duration.ofSeconds(4).toNanos();
    private static final Duration REFRESH_BEFORE = Duration.ofSeconds(1);
    // a token turns stale refresh-before plus up to 10% jitter before it expires (the cache counts in whole
    // milliseconds, which can put that instant up to 1 ms earlier still)
    private static final long LONGEST_REFRESH_WINDOW_NANOS = REFRESH_BEFORE.toNanos() * 11 / 10
            + Duration.ofMillis(1).toNanos();
    // long enough for tokens to expire three times, however fast the machine
    private static final long MIN_RUN_NANOS = 3 * LIFETIME_NANOS;
    private static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TIME_LIMIT = Duration.ofMinutes(3);
    private static final String CLIENT_ID = "load";
    private static final String SECRET = "load-secret";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));

    // every token the token endpoint issued, with the instant (System.nanoTime) it expires
    private final Map<String, Long> expiryByToken = new ConcurrentHashMap<>();
    // every token request the token endpoint answered: the token and the instant it was issued
    private final List<Issued> issued = new CopyOnWriteArrayList<>();

    /** A token as the token endpoint issued it, {@code at} an instant of {@link System#nanoTime()}. */
    private static final class Issued {
        final String token;
        final long at;

        Issued(String token, long at) {
            this.token = token;
            this.at = at;
        }
    }

    /**
     * The cache's clock on the time line of {@link System#nanoTime()}, the token endpoint's: a token turns stale for
     * the cache when it does for the endpoint's records, whatever the wall clock is set to meanwhile.
     */
    private static final class NanoTimeClock extends Clock {
        private final Instant origin = Instant.now();
        private final long originNanos = System.nanoTime();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return origin.plusNanos(System.nanoTime() - originNanos);
        }
    }

    @Test
    void sixtyFourThreadsMakeFiftyThousandRequestsEachWithAValidTokenAndOneTokenRequestPerTokenGeneration()
            throws Exception {
        AtomicInteger invalid = new AtomicInteger();
        FakeTokenServer server = fixture.server();
        server.respond(r -> {
            String token = server.newToken();
            long now = System.nanoTime();
            expiryByToken.put(token, now + LIFETIME_NANOS);
            issued.add(new Issued(token, now));
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
                .clientSecret(SECRET).refreshBefore(REFRESH_BEFORE)
                .acquisitionTimeout(ACQUISITION_TIMEOUT).retryOnUnauthorized(false).build();
        TokenCache cache = fixture.newCache(settings -> settings.clock(new NanoTimeClock()));
        Client client = ClientBuilder.newClient().register(new OAuthClientFilter(cache.provider(config)));

        AtomicInteger made = new AtomicInteger();
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
                    while ((made.incrementAndGet() <= REQUESTS || System.nanoTime() - started[0] < MIN_RUN_NANOS)
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
        assertThat(done.await(TIME_LIMIT.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
        client.close();

        int tokenRequests = server.tokenRequestCount();
        long lifetimesElapsed = elapsed.toNanos() / LIFETIME_NANOS;
        // a token is replaced when it turns stale, 1-1.1 s before it expires: one request per 2.9 s at most
        long generationBound = elapsed.toNanos() / (LIFETIME_NANOS - REFRESH_BEFORE.toNanos() * 11 / 10) + 1;
        List<Issued> generations = issued.stream().sorted(Comparator.comparingLong(i -> i.at))
                .collect(Collectors.toList());
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < generations.size(); i++) {
            gaps.add(Duration.ofNanos(generations.get(i).at - generations.get(i - 1).at));
        }
        write(elapsed, ok.get() + failed.get(), ok.get(), failed.get(), invalid.get(), tokenRequests,
                lifetimesElapsed, generationBound, gaps.stream().min(Comparator.naturalOrder()).orElse(null),
                Duration.ofNanos(slowestNanos.get()));

        assertThat(ok.get() + failed.get()).as("requests made within the time limit")
                .isGreaterThanOrEqualTo(REQUESTS);
        assertThat(invalid.get()).as("requests that reached the API without a valid token").isZero();
        assertThat(failed.get()).as("failed requests").isZero();
        assertThat(lifetimesElapsed).as("tokens expired several times during the run").isGreaterThanOrEqualTo(3);
        assertThat(generations).extracting(i -> i.token).as("every token issued answered exactly one token request")
                .hasSize(tokenRequests).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(server.issuedTokens());
        for (int i = 1; i < generations.size(); i++) {
            long previousStaleFrom = expiryByToken.get(generations.get(i - 1).token) - LONGEST_REFRESH_WINDOW_NANOS;
            assertThat(generations.get(i).at).as("token %d of %d, requested %d ms after token %d: only once that one"
                    + " was stale (one token request per generation)", i + 1, generations.size(),
                    gaps.get(i - 1).toMillis(), i).isGreaterThanOrEqualTo(previousStaleFrom);
        }
        assertThat(Duration.ofNanos(slowestNanos.get())).as("no caller blocked beyond the acquisition timeout")
                .isLessThan(ACQUISITION_TIMEOUT);
    }

    @Test
    void churningKeysKeepTheCacheAtItsCapacity() {
        TokenCache cache = fixture.newCache(settings -> settings.capacity(100));
        for (int i = 0; i < 20_000; i++) {
            cache.provider(OAuthClientConfig.builder().tokenUrl(URI.create("https://as.example.com/token"))
                    .clientId("churn-" + i).clientSecret("s").build());
        }
        assertThat(cache.size()).isEqualTo(100);
    }

    private static void write(Duration elapsed, int requests, int ok, int failed, int invalid, int tokenRequests,
                              long lifetimes, long bound, Duration shortestGap, Duration slowest) throws IOException {
        Path out = Path.of("target", "reliability", "load.md");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>(List.of(
                "| threads | requests | elapsed (s) | requests/s | 200 | failed | without a valid token "
                        + "| token lifetimes elapsed | token requests | bound (elapsed / 2.9 s + 1) "
                        + "| shortest time between token requests (ms) | slowest request (ms) |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|",
                String.format("| %d | %d | %.1f | %.0f | %d | %d | %d | %d | %d | %d | %s | %d |", THREADS, requests,
                        elapsed.toMillis() / 1000.0, requests / (elapsed.toMillis() / 1000.0), ok, failed, invalid,
                        lifetimes, tokenRequests, bound, shortestGap == null ? "-" : shortestGap.toMillis(),
                        slowest.toMillis())));
        Files.write(out, lines, StandardCharsets.UTF_8);
    }
}
