package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.Threads;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An executor that rejects work (a saturated or shut-down pool): the token request runs on the caller's thread
 * instead, and the caller still gets a token, or the token request's own failure, never the rejection.
 */
class RejectingExecutorTest {

    private static final String SECRET = "rejected-secret-90b1";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);
    // refresh-before 60 s (+ up to 10% jitter): stale from 66 s before expiry, expired 5 s before it
    private static final Duration INTO_STALE = LIFETIME.minusSeconds(50);
    private static final Duration INTO_EXPIRED = LIFETIME.minusSeconds(4);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final LogCapture logs = fixture.logs();
    private final AtomicInteger rejections = new AtomicInteger();
    private final TokenCache rejecting = fixture.newCache(settings -> settings.executor(task -> {
        rejections.incrementAndGet();
        throw new RejectedExecutionException("saturated");
    }));

    private OAuthClientConfig config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("rejected-client")
                .clientSecret(SECRET).maxAttempts(1).acquisitionTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void theFirstTokenIsFetchedOnTheCallersThreadWhenTheExecutorRejectsTheRequest() {
        TokenProvider tokens = rejecting.provider(config());

        AccessToken token = tokens.token();

        assertThat(token.value()).isEqualTo(server.issuedTokens().get(0));
        assertThat(rejections).hasValue(1);
        assertThat(server.tokenRequestCount()).isEqualTo(1);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("executor rejected the refresh"));
    }

    @Test
    void anExpiredTokenIsReplacedInlineWhenTheExecutorRejectsTheRequest() {
        TokenProvider tokens = rejecting.provider(config());
        String old = tokens.token().value();

        clock.advance(INTO_EXPIRED);

        assertThat(tokens.token().value()).isNotEqualTo(old).isEqualTo(server.issuedTokens().get(1));
        assertThat(rejections).hasValue(2);
    }

    @Test
    void aStaleTokenIsServedAndItsRefreshRunsInlineWhenTheExecutorRejectsIt() {
        TokenProvider tokens = rejecting.provider(config());
        String old = tokens.token().value();

        clock.advance(INTO_STALE);
        String served = tokens.token().value();

        assertThat(served).as("the refreshing caller gets a token at once").isEqualTo(old);
        assertThat(server.tokenRequestCount()).as("the refresh already ran, on the caller's thread").isEqualTo(2);
        assertThat(tokens.token().value()).isEqualTo(server.issuedTokens().get(1));
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aShutDownPoolDoesNotStopTokensFromComing() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        TokenProvider tokens = fixture.newCache(settings -> settings.executor(pool)).provider(config());

        String first = tokens.token().value();
        clock.advance(INTO_EXPIRED);
        String second = tokens.token().value();

        assertThat(List.of(first, second)).containsExactlyElementsOf(server.issuedTokens());
    }

    @Test
    void aFailedInlineRequestGivesTheCallerTheTokenExceptionNotTheRejection() {
        server.respond(r -> Reply.json(400, "{\"error\":\"invalid_client\"}"));
        TokenProvider tokens = rejecting.provider(config());

        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.oauthError()).contains("invalid_client");
        Secrets.assertNotInChain(e, List.of(SECRET));
    }

    @Test
    void aFailedInlineRefreshOfAStillValidTokenKeepsServingIt() {
        TokenProvider tokens = rejecting.provider(config());
        String old = tokens.token().value();
        server.respond(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        clock.advance(INTO_STALE);

        assertThat(tokens.token().value()).isEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
        assertThat(tokens.token().value()).as("backing off: no second inline request at once").isEqualTo(old);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void callersAtExpiryShareTheOneRequestThatRunsOnOneOfTheirThreads() throws Exception {
        TokenProvider tokens = rejecting.provider(config());
        tokens.token();
        clock.advance(INTO_EXPIRED);
        server.holdResponses();

        CountDownLatch go = new CountDownLatch(1);
        List<String> results = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
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
        assertThat(server.awaitTokenRequests(2, 10)).as("the refresh reached the server").isTrue();
        Threads.awaitAllTimedWaiting(callers, Duration.ofSeconds(10));
        server.releaseResponses();
        for (Thread caller : callers) {
            caller.join(10_000);
        }

        assertThat(failures).isEmpty();
        assertThat(results).hasSize(16).containsOnly(server.issuedTokens().get(1));
        assertThat(server.tokenRequestCount()).as("one initial request and one refresh").isEqualTo(2);
        assertThat(rejections).as("one rejected submission per request").hasValue(2);
    }
}
