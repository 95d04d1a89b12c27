package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The instants at which a cached token turns STALE and EXPIRED, and what the provider reports (expiry, last use,
 * cache hits, rejection), each checked at its exact millisecond on the clock. A token source stands in for the
 * endpoint so that a test chooses each token's lifetime to the millisecond: below 100 ms the refresh window is at
 * most 10 ms, whose 10% jitter rounds down to 0, so the plan is exact.
 */
class RefreshScheduleTest {

    private static final String SECRET = "schedule-secret-5a1b";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final MutableClock clock = fixture.clock();
    private final LogCapture logs = fixture.logs();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<Duration> lifetime = new AtomicReference<>(Duration.ofSeconds(3600));
    private final AtomicReference<TokenException> failure = new AtomicReference<>();
    private final ManualExecutor executor = new ManualExecutor();

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(URI.create("https://idp.example.com/token"))
                .clientId("schedule-client").clientSecret(SECRET).maxAttempts(1)
                .acquisitionTimeout(Duration.ofSeconds(5));
    }

    private AccessToken fetch(Duration timeout) {
        fetches.incrementAndGet();
        TokenException pending = failure.get();
        if (pending != null) {
            throw pending;
        }
        Instant now = clock.instant();
        return new AccessToken("token-" + fetches.get(), "Bearer", now, now.plus(lifetime.get()), null);
    }

    private RefreshingTokenSource provider(OAuthClientConfig config, Executor executor) {
        return new RefreshingTokenSource(config, this::fetch, clock, executor);
    }

    private static TokenException unavailable(Duration retryAfter) {
        return TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR).clientName("default").httpStatus(503)
                .message("the token endpoint answered 503").retryable(true).retryAfter(retryAfter).build();
    }

    private void advanceMillis(long millis) {
        clock.advance(Duration.ofMillis(millis));
    }

    @Test
    void aTokenTurnsStaleRefreshBeforeItsExpiryAndStaysUsableUntilATenthOfItsLifetimeBefore() {
        // 50 ms lifetime, refresh-before 10 ms: stale at 40 ms, expired at 50 - min(5 s, 5 ms) = 45 ms
        lifetime.set(Duration.ofMillis(50));
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMillis(10)).build(), executor);
        assertThat(tokens.token().value()).isEqualTo("token-1");
        executor.hold();

        advanceMillis(39);
        assertThat(tokens.token().value()).isEqualTo("token-1");
        assertThat(executor.pending()).as("still fresh at 39 ms").isZero();

        advanceMillis(1);
        assertThat(tokens.token().value()).as("a stale token is still served").isEqualTo("token-1");
        assertThat(executor.pending()).as("stale at 40 ms: one refresh scheduled").isEqualTo(1);

        advanceMillis(4);
        assertThat(tokens.token().value()).as("still usable at 44 ms").isEqualTo("token-1");
        assertThat(executor.pending()).as("the one refresh, not another").isEqualTo(1);
        executor.runAll();
        assertThat(tokens.token().value()).isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aTokenIsNoLongerServedFromTheMillisecondItExpiresForUs() {
        // refresh-before 1 ms: no stale phase worth the name, so the only refresh is the one callers wait for
        lifetime.set(Duration.ofMillis(50));
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMillis(1)).build(), Runnable::run);
        tokens.token();

        advanceMillis(44);
        assertThat(tokens.token().value()).isEqualTo("token-1");
        assertThat(fetches).hasValue(1);

        advanceMillis(1);
        assertThat(tokens.token().value()).as("expired at 45 ms: the caller gets a new token").isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aRefreshBeforeLongerThanHalfTheLifetimeRefreshesAtHalfTheLifetime() {
        // 20 ms lifetime, refresh-before 15 ms: stale at 10 ms (half the lifetime), expired at 18 ms
        lifetime.set(Duration.ofMillis(20));
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMillis(15)).build(), executor);
        tokens.token();
        executor.hold();

        advanceMillis(9);
        tokens.token();
        assertThat(executor.pending()).as("fresh at 9 ms").isZero();

        advanceMillis(1);
        assertThat(tokens.token().value()).isEqualTo("token-1");
        assertThat(executor.pending()).as("stale at 10 ms").isEqualTo(1);
        executor.runAll();

        assertThat(tokens.token().value()).isEqualTo("token-2");
    }

    @Test
    void theJitterOnlyBringsTheRefreshForwardByAtMostATenthOfRefreshBefore() {
        // one hour, refresh-before 60 s: stale somewhere in [expiry - 66 s, expiry - 60 s]
        RefreshingTokenSource tokens = provider(config().build(), executor);
        tokens.token();
        executor.hold();

        clock.advance(Duration.ofSeconds(3600 - 66).minusMillis(1));
        tokens.token();
        assertThat(executor.pending()).as("fresh until 66 s before expiry").isZero();

        clock.advance(Duration.ofSeconds(6).plusMillis(1));
        assertThat(tokens.token().value()).isEqualTo("token-1");
        assertThat(executor.pending()).as("stale at the latest 60 s before expiry").isEqualTo(1);
    }

    @Test
    void aStaleTokensRefreshIsNotScheduledAgainWhileOneIsPending() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        tokens.token();
        executor.hold();
        clock.advance(Duration.ofSeconds(3600 - 30));

        for (int i = 0; i < 5; i++) {
            assertThat(tokens.token().value()).isEqualTo("token-1");
        }

        assertThat(executor.pending()).isEqualTo(1);
        executor.runAll();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aCallerThatFindsATokenCachedByTheTimeItWouldRequestOneTakesItInsteadOfRequestingAnother() {
        RefreshingTokenSource tokens = provider(config().build(), Runnable::run);
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicReference<AccessToken> takenMeanwhile = new AtomicReference<>();
        // the listener runs between the caller finding no token and its request: another call gets one meanwhile
        tokens.events(new TokenEvents() {
            @Override
            public void waited(String client) {
                if (first.getAndSet(false)) {
                    takenMeanwhile.set(tokens.token());
                }
            }
        });

        AccessToken token = tokens.token();

        assertThat(token).isSameAs(takenMeanwhile.get());
        assertThat(fetches).as("one request for both calls").hasValue(1);
    }

    @Test
    void aCallerThatFindsARequestFailedByTheTimeItWouldRequestOneGetsItsFailureInsteadOfRequestingAgain() {
        RefreshingTokenSource tokens = provider(config().failureCooldown(Duration.ofSeconds(2)).build(),
                Runnable::run);
        failure.set(unavailable(null));
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicReference<TokenException> failedMeanwhile = new AtomicReference<>();
        // the listener runs between the caller finding no token and its request: another call fails meanwhile
        tokens.events(new TokenEvents() {
            @Override
            public void waited(String client) {
                if (first.getAndSet(false)) {
                    failedMeanwhile.set(catchThrowableOfType(TokenException.class, tokens::token));
                }
            }
        });

        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

        assertThat(failedMeanwhile.get()).isNotNull();
        assertThat(e).as("the failure of the request that finished meanwhile").isNotNull();
        assertThat(e.getCause()).isSameAs(failedMeanwhile.get().getCause());
        assertThat(fetches).as("one request for both calls, inside the cooldown").hasValue(1);
    }

    @Test
    void aRefreshThatFailsAfterTheTokenExpiredMakesCallersShareTheFailureForTheCooldown() {
        lifetime.set(Duration.ofMillis(50));
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMillis(10))
                .failureCooldown(Duration.ofSeconds(2)).build(), executor);
        tokens.token();
        executor.hold();
        advanceMillis(40);
        tokens.token();
        assertThat(executor.pending()).isEqualTo(1);

        advanceMillis(10);
        failure.set(unavailable(null));
        executor.runAll();
        assertThat(fetches).hasValue(2);

        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(fetches).as("the expired token is gone: callers get the failure without a new request")
                .hasValue(2);
        assertThat(executor.pending()).isZero();
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING")
                && l.contains("callers without a token get this failure for the next 2000 ms"));
        assertThat(logs.lines()).noneMatch(l -> l.contains("still serving"));
    }

    @Test
    void callersWithoutATokenShareTheFailureUntilTheLastMillisecondOfTheCooldown() {
        RefreshingTokenSource tokens = provider(config().failureCooldown(Duration.ofSeconds(2)).build(),
                Runnable::run);
        failure.set(unavailable(null));
        catchThrowableOfType(TokenException.class, tokens::token);

        advanceMillis(1999);
        assertThat(catchThrowableOfType(TokenException.class, tokens::token).code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(fetches).as("inside the cooldown").hasValue(1);

        failure.set(null);
        advanceMillis(1);
        assertThat(tokens.token().value()).as("the cooldown is over at 2000 ms").isEqualTo("token-2");
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING")
                && l.contains("callers without a token get this failure for the next 2000 ms"));
    }

    @Test
    void aRetryAfterLongerThanTheCooldownKeepsCallersOffUntilItsLastMillisecond() {
        RefreshingTokenSource tokens = provider(config().failureCooldown(Duration.ofSeconds(2)).build(),
                Runnable::run);
        failure.set(unavailable(Duration.ofSeconds(30)));
        catchThrowableOfType(TokenException.class, tokens::token);

        advanceMillis(29_999);
        catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(fetches).hasValue(1);

        failure.set(null);
        advanceMillis(1);
        assertThat(tokens.token().value()).isEqualTo("token-2");
        assertThat(logs.lines()).anyMatch(l -> l.contains("get this failure for the next 30000 ms"));
    }

    @Test
    void theWarningOfAFailedRefreshTellsHowLongTheTokenIsStillValid() {
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMinutes(10)).build(), executor);
        tokens.token();
        executor.hold();
        clock.advance(Duration.ofSeconds(3000).plusMillis(500));
        tokens.token();
        failure.set(unavailable(Duration.ofSeconds(20)));
        executor.runAll();

        // expires for us 5 s before its expiry: 3595 s - 3000.5 s = 594.5 s, shown as 594 s
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING")
                && l.contains("still serving the current token (valid for 594 s), next refresh attempt in 20000 ms"));
    }

    @Test
    void aRetryAfterBeyondAnyDateWithoutALimitPutsTheBackgroundRefreshOffUntilTheTokenExpires() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        RefreshingTokenSource tokens = provider(config().refreshBefore(Duration.ofMinutes(10))
                .maxRetryAfter(forever).build(), Runnable::run);
        tokens.token();
        clock.advance(Duration.ofSeconds(3000));
        failure.set(unavailable(forever));
        assertThat(tokens.token().value()).as("stale, its refresh failed").isEqualTo("token-1");
        assertThat(fetches).hasValue(2);

        clock.advance(Duration.ofSeconds(594));
        assertThat(tokens.token().value()).isEqualTo("token-1");
        assertThat(fetches).as("no refresh before the (saturated) instant the server asked for").hasValue(2);

        failure.set(null);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.token().value()).as("expired: callers wait for a new one").isEqualTo("token-3");
    }

    @Test
    void aRetryAfterBeyondAnyDateWithoutALimitKeepsCallersWithoutATokenOffRatherThanOverflowing() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        RefreshingTokenSource tokens = provider(config().maxRetryAfter(forever).build(), Runnable::run);
        failure.set(unavailable(forever));
        catchThrowableOfType(TokenException.class, tokens::token);

        clock.advance(Duration.ofDays(365 * 100));
        assertThat(catchThrowableOfType(TokenException.class, tokens::token).code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(fetches).as("the server said never: no second request").hasValue(1);
    }

    @Test
    void secondsUntilExpiryCountsDownToTheTokensExpiryAndNeverBelowZero() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        assertThat(tokens.secondsUntilExpiry()).as("no token yet").isZero();

        tokens.token();
        assertThat(tokens.secondsUntilExpiry()).isEqualTo(3600);
        advanceMillis(1500);
        assertThat(tokens.secondsUntilExpiry()).isEqualTo(3598);

        clock.advance(Duration.ofHours(2));
        assertThat(tokens.secondsUntilExpiry()).as("long expired, not yet replaced").isZero();
    }

    @Test
    void lastUsedMovesOnlyWhenAtLeastASecondHasPassed() {
        long created = clock.millis();
        RefreshingTokenSource tokens = provider(config().build(), executor);
        assertThat(tokens.lastUsedMillis()).isEqualTo(created);

        advanceMillis(999);
        tokens.token();
        assertThat(tokens.lastUsedMillis()).as("within the second").isEqualTo(created);

        advanceMillis(1);
        tokens.token();
        assertThat(tokens.lastUsedMillis()).isEqualTo(created + 1000);
    }

    @Test
    void cacheHitsAreCountedOnlyWhileSomeoneListens() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        tokens.token();
        tokens.token();
        assertThat(tokens.cacheHits()).as("nobody listening").isZero();

        tokens.events(new TokenEvents() {
        });
        tokens.token();
        tokens.token();
        assertThat(tokens.cacheHits()).isEqualTo(2);

        tokens.events(TokenEvents.NONE);
        tokens.token();
        assertThat(tokens.cacheHits()).as("stopped listening").isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsDroppedFromTheFifthSecondAfterItWasIssued() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        AccessToken first = tokens.token();

        advanceMillis(4999);
        assertThat(tokens.invalidate(first)).as("4.999 s old: kept").isFalse();
        assertThat(tokens.token()).isSameAs(first);

        advanceMillis(1);
        assertThat(tokens.invalidate(first)).as("5 s old: dropped").isTrue();
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("dropped rejected"));
        assertThat(tokens.token().value()).isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aRejectionBeforeAnyTokenWasCachedAsksForAReplay() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        AccessToken foreign = new AccessToken("foreign", "Bearer", clock.instant().minusSeconds(60),
                clock.instant().plusSeconds(60), null);

        assertThat(tokens.invalidate(foreign)).isTrue();
        assertThat(fetches).as("nothing fetched for a rejection").hasValue(0);
    }

    @Test
    void theDescriptionNamesTheClientAndTheTokenButNeverItsValue() {
        RefreshingTokenSource tokens = provider(config().build(), executor);
        assertThat(tokens.toString()).isEqualTo("RefreshingTokenSource[client=default, token=none]");

        AccessToken token = tokens.token();
        assertThat(tokens.toString()).isEqualTo("RefreshingTokenSource[client=default, token=" + token + "]")
                .doesNotContain(token.value());
        assertThat(tokens.config().authentication().clientId()).isEqualTo("schedule-client");
    }
}
