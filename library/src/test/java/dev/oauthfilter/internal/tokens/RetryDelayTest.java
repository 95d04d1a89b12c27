package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The delay before a retry within one acquisition, and the time each attempt is given. These are real waits bounded
 * by the monotonic clock, so they are measured where the attempts arrive; only lower bounds are asserted (a sleep is
 * never shorter than asked, but may be longer on a busy machine), and "it did retry" within a budget that the
 * longest correct delay fits with 100 ms to spare.
 */
class RetryDelayTest {

    private static final String SECRET = "retry-delay-secret-77d0";
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private static final Duration BUDGET = Duration.ofMillis(300);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final MutableClock clock = fixture.clock();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final List<Duration> givenTimeouts = new CopyOnWriteArrayList<>();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final List<Duration> reportedDurations = new CopyOnWriteArrayList<>();
    // made before any attempt starts, so that no attempt pays for loading classes out of its budget
    private final TokenException unavailable = unavailable();

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(URI.create("https://idp.example.com/token"))
                .clientId("retry-delay-client").clientSecret(SECRET).retryBackoff(BACKOFF).maxAttempts(2);
    }

    private static TokenException unavailable() {
        return TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR).clientName("default").httpStatus(503)
                .message("the token endpoint answered 503").retryable(true).build();
    }

    private AccessToken token() {
        Instant now = clock.instant();
        return new AccessToken("token-" + arrivals.size(), "Bearer", now, now.plusSeconds(3600), null);
    }

    /** Fails the first attempt (retryably), answers the second. */
    private AccessToken failOnceThenAnswer(Duration timeout) {
        arrivals.add(System.nanoTime());
        givenTimeouts.add(timeout);
        if (arrivals.size() % 2 == 1) {
            throw unavailable;
        }
        return token();
    }

    private RetryingTokenSource retrying(OAuthClientConfig config, TokenSource endpoint) {
        TokenEvents events = new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                reported.add(outcome);
                reportedDurations.add(took);
            }
        };
        return new RetryingTokenSource(config, endpoint, () -> events);
    }

    @Test
    void aRetryWaitsAtLeastHalfTheBackoffAndIsMadeWhenTheLongestBackoffFitsTheTimeLeft() {
        RetryingTokenSource source = retrying(config().build(), this::failOnceThenAnswer);

        // the first retry waits between 100 and 200 ms, which always fits a budget of 300 ms: it is always made
        for (int acquisition = 0; acquisition < 8; acquisition++) {
            AccessToken token = source.fetch(BUDGET);

            int second = 2 * acquisition + 1;
            assertThat(token.value()).isEqualTo("token-" + (second + 1));
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(second) - arrivals.get(second - 1));
            assertThat(gapMillis).as("delay before retry %d", acquisition).isGreaterThanOrEqualTo(100);
        }
        assertThat(reported).hasSize(16).containsOnly("TOKEN_ENDPOINT_ERROR", "success");
        assertThat(reportedDurations).as("each attempt's own duration")
                .allSatisfy(took -> assertThat(took).isBetween(Duration.ZERO, Duration.ofSeconds(10)));
    }

    @Test
    void eachAttemptIsGivenOnlyTheTimeLeftOfTheAcquisition() {
        RetryingTokenSource source = retrying(config().build(), this::failOnceThenAnswer);

        source.fetch(BUDGET);

        assertThat(givenTimeouts.get(0)).as("the first attempt: the whole budget, less what its start took")
                .isBetween(BUDGET.minusMillis(100), BUDGET);
        assertThat(givenTimeouts.get(1)).as("the second: what is left after the delay of at least 100 ms")
                .isBetween(Duration.ofNanos(1), BUDGET.minusMillis(100));
    }

    @Test
    void aFailureThatRetryingCannotFixIsThrownAfterOneAttempt() {
        TokenException refused = TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR).clientName("default")
                .httpStatus(400).oauthError("invalid_client", null).message("the token endpoint answered 400")
                .retryable(false).build();
        RetryingTokenSource source = retrying(config().maxAttempts(5).build(), timeout -> {
            arrivals.add(System.nanoTime());
            throw refused;
        });

        assertThat(catchThrowableOfType(TokenException.class, () -> source.fetch(BUDGET))).isSameAs(refused);
        assertThat(arrivals).hasSize(1);
    }

    @Test
    void anInterruptWhileWaitingToRetryEndsTheAcquisitionWithTheFailureAndKeepsTheFlag() {
        TokenException failure = unavailable();
        RetryingTokenSource source = retrying(config().build(), timeout -> {
            arrivals.add(System.nanoTime());
            // the caller's thread is interrupted (an application shutting down) before the delay starts
            Thread.currentThread().interrupt();
            throw failure;
        });

        TokenException thrown = catchThrowableOfType(TokenException.class, () -> source.fetch(Duration.ofSeconds(5)));
        boolean interrupted = Thread.interrupted();

        assertThat(thrown).isSameAs(failure);
        assertThat(interrupted).as("the interrupt flag is kept for the caller").isTrue();
        assertThat(arrivals).as("no second attempt").hasSize(1);
    }

    @Test
    void aDelayLongerThanTheTimeLeftFailsAtOnceWithoutWaiting() {
        RetryingTokenSource source = retrying(config().retryBackoff(Duration.ofSeconds(30)).maxAttempts(3).build(),
                timeout -> {
                    arrivals.add(System.nanoTime());
                    throw unavailable();
                });
        long start = System.nanoTime();

        TokenException e = catchThrowableOfType(TokenException.class, () -> source.fetch(Duration.ofSeconds(10)));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(arrivals).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("did not sleep the 15 s or more")
                .isLessThan(Duration.ofSeconds(5));
    }
}
