package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.internal.clients.ConfiguredClient;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.Threads;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** FRESH / STALE / EXPIRED, single flight, and failures, with time from a clock and threads held by latches. */
class RefreshingTokenSourceTest {

    private static final String SECRET = "refresh-secret-abc123";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);
    // with refreshBefore 60 s (and up to 10% jitter) the token turns stale between 66 s and 60 s before expiry,
    // and expires for us 5 s before its real expiry
    private static final Duration INTO_STALE = LIFETIME.minusSeconds(50);
    private static final Duration INTO_EXPIRED = LIFETIME.minusSeconds(4);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("refresh-client")
                .clientSecret(SECRET).maxAttempts(1).acquisitionTimeout(Duration.ofSeconds(10));
    }

    private TokenProvider provider(TokenCache cache) {
        return cache.provider(config().build());
    }

    @Test
    void aFreshTokenIsServedFromTheCacheWithoutAnotherRequest() {
        TokenProvider tokens = provider(cache);

        String first = tokens.token().value();
        clock.advance(LIFETIME.minusSeconds(70));
        String later = tokens.token().value();

        assertThat(later).isEqualTo(first);
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aStaleTokenIsServedAtOnceWhileExactlyOneBackgroundRefreshRuns() {
        ManualExecutor executor = new ManualExecutor();
        TokenProvider tokens = provider(fixture.newCache(settings -> settings.executor(executor)));
        AccessToken old = tokens.token();
        executor.hold();

        clock.advance(INTO_STALE);
        for (int i = 0; i < 10; i++) {
            assertThat(tokens.token().value()).as("stale token still served").isEqualTo(old.value());
        }
        assertThat(executor.pending()).as("one refresh scheduled, however many callers").isEqualTo(1);
        assertThat(server.tokenRequestCount()).isEqualTo(1);

        executor.runAll();

        assertThat(server.tokenRequestCount()).isEqualTo(2);
        assertThat(tokens.token().value()).isNotEqualTo(old.value()).isEqualTo(server.issuedTokens().get(1));
    }

    @Test
    void anExpiredTokenMakesTheCallerWaitForANewOne() {
        TokenProvider tokens = provider(cache);
        String old = tokens.token().value();

        clock.advance(INTO_EXPIRED);

        assertThat(tokens.token().value()).isNotEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void tokenIsFetchedOnceWhenSixtyFourThreadsAskAtExpiry() throws Exception {
        TokenProvider tokens = provider(cache);
        tokens.token();
        clock.advance(INTO_EXPIRED);
        server.holdResponses();

        CountDownLatch go = new CountDownLatch(1);
        List<String> results = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Thread caller = new Thread(() -> {
                try {
                    go.await();
                    results.add(tokens.token().value());
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            caller.start();
            callers.add(caller);
        }
        go.countDown();
        assertThat(server.awaitTokenRequests(2, 10)).as("the refresh request reached the server").isTrue();
        Threads.awaitAllTimedWaiting(callers, Duration.ofSeconds(10));
        server.releaseResponses();
        for (Thread caller : callers) {
            caller.join(10_000);
        }

        assertThat(failures).isEmpty();
        assertThat(results).hasSize(64).containsOnly(server.issuedTokens().get(1));
        assertThat(server.tokenRequestCount()).as("one initial request and one refresh").isEqualTo(2);
    }

    @Test
    void aFailedRefreshKeepsServingTheStillValidTokenAndRetriesAfterABackoff() {
        ManualExecutor executor = new ManualExecutor();
        TokenProvider tokens = provider(fixture.newCache(settings -> settings.executor(executor)));
        String old = tokens.token().value();
        executor.hold();
        server.respond(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        clock.advance(INTO_STALE);
        assertThat(tokens.token().value()).isEqualTo(old);
        executor.runAll();
        assertThat(server.tokenRequestCount()).isEqualTo(2);

        assertThat(tokens.token().value()).as("old token kept after the failed refresh").isEqualTo(old);
        assertThat(executor.pending()).as("no immediate retry: backing off").isZero();

        clock.advance(Duration.ofSeconds(2));
        server.issueTokensLasting(3600);
        assertThat(tokens.token().value()).isEqualTo(old);
        assertThat(executor.pending()).isEqualTo(1);
        executor.runAll();

        assertThat(tokens.token().value()).isNotEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(3);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("still serving the current token"));
    }

    @Test
    void theErrorOfAFailedRequestIsSharedWithEveryWaiterAndNotCached() throws Exception {
        TokenProvider tokens = provider(cache);
        server.holdResponses();
        server.respond(r -> Reply.json(400, "{\"error\":\"invalid_client\"}"));

        Set<String> codes = ConcurrentHashMap.newKeySet();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread caller = new Thread(() -> {
                TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
                codes.add(e == null ? "none" : e.code() + "/" + e.oauthError().orElse("?"));
            });
            caller.start();
            callers.add(caller);
        }
        assertThat(server.awaitTokenRequests(1, 10)).isTrue();
        Threads.awaitAllTimedWaiting(callers, Duration.ofSeconds(10));
        server.releaseResponses();
        for (Thread caller : callers) {
            caller.join(10_000);
        }

        assertThat(codes).containsExactly("TOKEN_ENDPOINT_ERROR/invalid_client");
        assertThat(server.tokenRequestCount()).isEqualTo(1);

        server.issueTokensLasting(3600);
        clock.advance(Duration.ofSeconds(3));
        assertThat(tokens.token().value()).isEqualTo(server.issuedTokens().get(0));
        assertThat(server.tokenRequestCount()).as("the failure was not cached as a token").isEqualTo(2);
    }

    @Test
    void whileTheEndpointIsFailingCallersWithoutATokenGetTheFailureAtOnceForTheCooldown() {
        TokenProvider tokens = cache.provider(config().failureCooldown(Duration.ofSeconds(2)).build());
        server.respond(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        for (int i = 0; i < 50; i++) {
            TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
            assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        }
        assertThat(server.tokenRequestCount()).as("one request for 50 callers inside the cooldown").isEqualTo(1);

        clock.advance(Duration.ofMillis(2001));
        server.issueTokensLasting(3600);
        assertThat(tokens.token().value()).as("recovered once the endpoint answers").isNotBlank();
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void retryAfterLengthensTheCooldown() {
        TokenProvider tokens = cache.provider(config().failureCooldown(Duration.ofSeconds(1)).build());
        server.respond(r -> Reply.of(429, "application/json", "{}".getBytes(), java.util.Map.of("Retry-After", "30")));
        catchThrowableOfType(TokenException.class, tokens::token);

        clock.advance(Duration.ofSeconds(29));
        catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(server.tokenRequestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsDroppedOnlyIfStillCachedAndNotJustIssued() {
        TokenProvider tokens = provider(cache);
        AccessToken first = tokens.token();

        assertThat(tokens.invalidate(first)).as("just issued: kept, replay would not help").isFalse();
        assertThat(tokens.token()).isSameAs(first);

        clock.advance(Duration.ofSeconds(10));
        assertThat(tokens.invalidate(first)).isTrue();
        AccessToken second = tokens.token();
        assertThat(second.value()).isNotEqualTo(first.value());

        assertThat(tokens.invalidate(first)).as("already replaced: a replay gets the new one").isTrue();
        assertThat(tokens.token()).as("the newer token is not dropped for the old one's rejection").isSameAs(second);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void anInterruptedWaiterGetsInterruptedAndKeepsItsInterruptFlag() throws Exception {
        TokenProvider tokens = provider(cache);
        server.holdResponses();
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
            outcome.set((e == null ? "none" : e.code()) + "/" + Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(server.awaitTokenRequests(1, 10)).isTrue();
        Threads.awaitAllTimedWaiting(List.of(caller), Duration.ofSeconds(10));

        caller.interrupt();
        caller.join(10_000);

        assertThat(outcome.get()).isEqualTo("INTERRUPTED/true");
    }

    @Test
    void eventsReportRequestsWaitsRefreshesAndCacheHitsForMetrics() {
        ManualExecutor executor = new ManualExecutor();
        TokenCache cache = fixture.newCache(settings -> settings.executor(executor));
        List<String> events = new CopyOnWriteArrayList<>();
        cache.events(new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                events.add("request " + client + " " + outcome);
            }

            @Override
            public void backgroundRefresh(String client) {
                events.add("refresh " + client);
            }

            @Override
            public void waited(String client) {
                events.add("waited " + client);
            }

            @Override
            public void sourceCreated(String client, TokenStatus status) {
                events.add("created " + client);
            }
        });
        ConfiguredClient client = (ConfiguredClient) provider(cache);
        TokenProvider tokens = client;
        tokens.token();
        for (int i = 0; i < 5; i++) {
            tokens.token();
        }
        executor.hold();
        clock.advance(INTO_STALE);
        tokens.token();
        server.respond(r -> Reply.json(503, "{}"));
        executor.runAll();

        assertThat(events).containsExactly("created default", "waited default", "request default success",
                "refresh default", "request default TOKEN_ENDPOINT_ERROR");
        assertThat(client.status().cacheHits()).isEqualTo(6);
        assertThat(client.status().secondsUntilExpiry()).isEqualTo(50);
    }

    @Test
    void aRetryAfterBeyondAnyDurationNeitherBreaksTheRefreshNorLocksTheClientOut() {
        TokenProvider tokens = provider(fixture.newCache(settings -> settings.executor(new ManualExecutor())));
        String old = tokens.token().value();
        server.respond(r -> Reply.of(429, "application/json", "{}".getBytes(),
                Map.of("Retry-After", String.valueOf(Long.MAX_VALUE))));

        clock.advance(INTO_STALE);
        assertThat(tokens.token().value()).as("the stale token while its refresh fails").isEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(2);

        server.issueTokensLasting(3600);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(tokens.token().value()).as("a new token once max-retry-after has passed").isNotEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(3);
    }

    @Test
    void aRetryAfterOfYearsIsHonouredOnlyUpToMaxRetryAfter() {
        TokenProvider tokens = cache.provider(config().maxRetryAfter(Duration.ofMinutes(2)).build());
        server.respond(r -> Reply.of(503, "application/json", "{}".getBytes(),
                Map.of("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")));
        assertThat(catchThrowableOfType(TokenException.class, tokens::token).retryAfter()).isPresent();

        clock.advance(Duration.ofSeconds(119));
        catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(server.tokenRequestCount()).as("inside the (capped) cooldown").isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        server.issueTokensLasting(3600);
        assertThat(tokens.token().value()).isNotBlank();
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void whateverATokenSourceThrowsTheRequestCompletesAsAnInternalErrorWithItsCooldown() {
        AtomicInteger fetches = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>(new ArithmeticException("overflow"));
        TokenSource source = timeout -> {
            fetches.incrementAndGet();
            RuntimeException pending = failure.get();
            if (pending != null) {
                throw pending;
            }
            return new AccessToken("token-" + fetches.get(), "Bearer", clock.instant(),
                    clock.instant().plus(LIFETIME), null);
        };
        RefreshingTokenSource tokens = new RefreshingTokenSource(config().build(), source, clock, Runnable::run);

        for (int i = 0; i < 10; i++) {
            assertThat(catchThrowableOfType(TokenException.class, tokens::token).code()).isEqualTo("INTERNAL_ERROR");
        }
        assertThat(fetches).as("one request, then its failure for the cooldown").hasValue(1);
        assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARNING")).hasSize(1);
        assertThat(logs.lines()).noneMatch(l -> l.startsWith("SEVERE"));

        failure.set(null);
        clock.advance(Duration.ofSeconds(3));
        assertThat(tokens.token().value()).isEqualTo("token-2");
    }

    @Test
    void aListenerThatThrowsFailsTheRequestCleanlyAndTheNextCallTriesAgain() {
        RefreshingTokenSource tokens = new RefreshingTokenSource(config().build(),
                timeout -> new AccessToken("t", "Bearer", clock.instant(), clock.instant().plus(LIFETIME), null),
                clock, Runnable::run);
        tokens.events(new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                throw new IllegalStateException("a broken listener");
            }
        });

        for (int i = 0; i < 2; i++) {
            assertThat(catchThrowableOfType(TokenException.class, tokens::token).code()).isEqualTo("INTERNAL_ERROR");
        }
    }
}
