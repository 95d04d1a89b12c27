package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The life of an exchanged token in the cache, at its edges: usable until {@code lifetime / 10} before its expiry
 * for a short-lived token (at most 5 s before), dropped when refused from exactly 5 s after it was issued on, a caller
 * interrupted while another caller's exchange is in flight, and a {@code toString} with the client and the count
 * only. (A full cache: {@code TokenExchangeTest}.)
 */
class ExchangedTokensLifecycleTest {

    private static final String CLIENT_ID = "exchanger";
    private static final String SECRET = "exchanger-secret-51a";
    private static final String SUBJECT = "incoming-user-token-77c";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(SUBJECT));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();

    private ExchangedTokens exchange(long expiresIn) {
        server.respond(request -> Reply.json(200, "{\"access_token\":\"" + server.newToken()
                + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                + "\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"));
        return (ExchangedTokens) ((BoundedTokenCache) fixture.cache()).exchange(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId(CLIENT_ID).clientSecret(SECRET).build());
    }

    @Test
    void aShortLivedExchangedTokenServesUntilATenthOfItsLifetimeBeforeItsExpiry() {
        ExchangedTokens exchange = exchange(20);
        AccessToken first = exchange.exchange(SUBJECT);

        clock.advance(Duration.ofMillis(17_999));
        assertThat(exchange.exchange(SUBJECT)).as("2.001 s before its expiry").isSameAs(first);
        clock.advance(Duration.ofMillis(1));
        assertThat(exchange.exchange(SUBJECT)).as("2 s before its expiry").isNotSameAs(first);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedExchangedTokenIsDroppedFromExactlyFiveSecondsAfterItWasIssued() {
        ExchangedTokens exchange = exchange(3600);
        AccessToken first = exchange.exchange(SUBJECT);

        clock.advance(Duration.ofMillis(RefreshingTokenSource.REJECTED_TOKEN_MIN_AGE_MILLIS - 1));
        assertThat(exchange.invalidate(SUBJECT, first)).as("refused 4.999 s after it was issued").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(exchange.invalidate(SUBJECT, first)).as("refused 5 s after it was issued").isTrue();
        assertThat(exchange.exchange(SUBJECT)).isNotSameAs(first);
        assertThat(exchange.invalidate("never-exchanged", first)).as("nothing cached for that incoming token")
                .isTrue();
    }

    @Test
    void aCallerInterruptedWhileAnotherCallersExchangeIsInFlightIsToldSo() throws Exception {
        ExchangedTokens exchange = exchange(3600);
        server.holdResponses();
        Thread first = new Thread(() -> exchange.exchange(SUBJECT));
        first.start();
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        try {
            assertThat(server.awaitTokenRequests(1, 10)).isTrue();
            Thread waiting = new Thread(() -> {
                try {
                    exchange.exchange(SUBJECT);
                } catch (RuntimeException e) {
                    thrown.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            waiting.start();
            awaitWaitingInAwait(waiting);
            waiting.interrupt();
            waiting.join(10_000);
        } finally {
            server.releaseResponses();
            first.join(10_000);
        }

        assertThat(thrown.get()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERRUPTED));
        assertThat(stillInterrupted).isTrue();
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void itsTextNamesTheClientAndCountsTheIncomingTokensAndNothingMore() {
        ExchangedTokens exchange = exchange(3600);
        exchange.exchange(SUBJECT);

        assertThat(exchange.toString()).isEqualTo("ExchangedTokens[client=default, entries=1]");
    }

    /** Waits (bounded) until {@code thread} waits for the exchange in flight (ExchangedTokens.await). */
    private static void awaitWaitingInAwait(Thread thread) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Arrays.stream(thread.getStackTrace()).noneMatch(frame -> frame.getMethodName().equals("await")
                && frame.getClassName().equals(ExchangedTokens.class.getName()))
                || thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the second caller did not wait for the exchange in flight");
            }
            Thread.onSpinWait();
        }
    }
}
