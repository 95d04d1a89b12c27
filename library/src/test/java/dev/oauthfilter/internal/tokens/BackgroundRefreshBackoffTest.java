package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The backoff between failed background refreshes of a token that is still valid: when the next attempt is made is
 * observed on the clock, one millisecond at a time, by whether a call schedules a refresh on the held executor.
 */
class BackgroundRefreshBackoffTest {

    private static final String SECRET = "backoff-secret-4e2f";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);
    // refresh-before 10 min (+ up to 10% jitter): stale between 660 s and 600 s before expiry, so that the token stays
    // valid through minutes of failed refreshes
    private static final Duration INTO_STALE = LIFETIME.minusSeconds(590);
    private static final long CAP_MILLIS = 30_000;
    private static final Pattern NEXT_ATTEMPT = Pattern.compile("next refresh attempt in (\\d+) ms");

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final LogCapture logs = fixture.logs();
    private final ManualExecutor executor = new ManualExecutor();
    private final TokenCache held = fixture.newCache(settings -> settings.executor(executor));

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("backoff-client")
                .clientSecret(SECRET).maxAttempts(1).refreshBefore(Duration.ofMinutes(10));
    }

    /** A token taken while the endpoint worked, now stale, its first background refresh scheduled but not run. */
    private TokenProvider staleTokenWithARefreshPending(OAuthClientConfig config) {
        TokenProvider tokens = held.provider(config);
        tokens.token();
        executor.hold();
        clock.advance(INTO_STALE);
        tokens.token();
        assertThat(executor.pending()).as("the stale token's refresh is scheduled").isEqualTo(1);
        return tokens;
    }

    /**
     * Runs the pending refresh (which fails), then moves the clock on one millisecond at a time until a call
     * schedules the next refresh; every call meanwhile gets the still-valid token.
     *
     * @return how long after the failure the next refresh was attempted, in clock milliseconds
     */
    private long failAndMeasureNextAttempt(TokenProvider tokens, long limitMillis) {
        List<String> issued = server.issuedTokens();
        String valid = issued.get(issued.size() - 1);
        int requestsBefore = server.tokenRequestCount();
        executor.runAll();
        assertThat(server.tokenRequestCount()).as("the refresh reached the server").isEqualTo(requestsBefore + 1);
        for (long waited = 0; waited <= limitMillis; waited++) {
            String served = tokens.token().value();
            if (!served.equals(valid)) {
                fail("after a failed refresh the still-valid token must be served, got another one");
            }
            if (executor.pending() > 0) {
                assertThat(executor.pending()).as("one refresh, not one per call").isEqualTo(1);
                return waited;
            }
            clock.advance(Duration.ofMillis(1));
        }
        return fail("no refresh attempted within " + limitMillis + " ms of the failure");
    }

    private static Reply unavailable(Map<String, String> headers) {
        return Reply.of(503, "application/json",
                "{\"error\":\"temporarily_unavailable\"}".getBytes(StandardCharsets.UTF_8), headers);
    }

    private List<Long> loggedDelays() {
        List<Long> delays = new ArrayList<>();
        for (String line : logs.lines()) {
            Matcher m = NEXT_ATTEMPT.matcher(line);
            if (line.startsWith("WARNING") && m.find()) {
                delays.add(Long.parseLong(m.group(1)));
            }
        }
        return delays;
    }

    @Test
    void aRefreshThatKeepsFailingBacksOffDoublingWithJitterUpToItsCap() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> unavailable(Map.of()));

        List<Long> delays = new ArrayList<>();
        List<Long> ceilings = new ArrayList<>();
        for (int failure = 1; failure <= 8; failure++) {
            long backoff = Math.min(CAP_MILLIS, 1000L << (failure - 1));
            long delay = failAndMeasureNextAttempt(tokens, CAP_MILLIS + 1000);
            assertThat(delay).as("delay after failure %d: jittered within [backoff/2, backoff] of %d ms", failure,
                    backoff).isBetween(backoff / 2, backoff);
            delays.add(delay);
            ceilings.add(backoff);
        }

        assertThat(ceilings).containsExactly(1000L, 2000L, 4000L, 8000L, 16_000L, 30_000L, 30_000L, 30_000L);
        assertThat(delays.subList(5, 8)).as("capped").allSatisfy(d -> assertThat(d).isBetween(15_000L, CAP_MILLIS));
        assertThat(delays).as("jittered, not always the ceiling").isNotEqualTo(ceilings);
        assertThat(loggedDelays()).as("the WARNING tells the delay the clock shows").isEqualTo(delays);
        assertThat(server.tokenRequestCount()).as("the first token and one request per attempt").isEqualTo(9);
    }

    @Test
    void aSuccessfulRefreshStartsTheBackoffAgainFromOneSecond() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> unavailable(Map.of()));
        for (int failure = 1; failure <= 4; failure++) {
            failAndMeasureNextAttempt(tokens, CAP_MILLIS);
        }
        server.issueTokensLasting(LIFETIME.getSeconds());
        executor.runAll();
        String renewed = tokens.token().value();
        assertThat(renewed).isEqualTo(server.issuedTokens().get(1));

        clock.advance(INTO_STALE);
        tokens.token();
        assertThat(executor.pending()).isEqualTo(1);
        server.respond(r -> unavailable(Map.of()));
        long delay = failAndMeasureNextAttempt(tokens, CAP_MILLIS);

        assertThat(delay).as("the first failure after a success backs off as a first failure").isBetween(500L, 1000L);
    }

    @Test
    void aRetryAfterInSecondsLengthensTheDelayBeyondTheBackoffCap() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> unavailable(Map.of("Retry-After", "45")));

        long delay = failAndMeasureNextAttempt(tokens, 60_000);

        assertThat(delay).as("the 45 s the server asked for, not the backoff of at most 1 s").isEqualTo(45_000);
    }

    @Test
    void aRetryAfterAsAnHttpDateLengthensTheDelayToThatInstant() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> unavailable(Map.of("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.ofInstant(clock.instant().plusSeconds(90), ZoneOffset.UTC)))));

        long delay = failAndMeasureNextAttempt(tokens, 120_000);

        assertThat(delay).isEqualTo(90_000);
    }

    @Test
    void aTooManyRequestsRetryAfterCountsToo() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> Reply.of(429, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "20")));

        assertThat(failAndMeasureNextAttempt(tokens, 30_000)).isEqualTo(20_000);
    }

    @Test
    void aRetryAfterIsHonouredOnlyUpToMaxRetryAfter() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().maxRetryAfter(Duration.ofSeconds(40)).build());
        server.respond(r -> unavailable(Map.of("Retry-After", "3600")));

        assertThat(failAndMeasureNextAttempt(tokens, 120_000)).isEqualTo(40_000);
    }

    @Test
    void aRetryAfterShorterThanTheBackoffDoesNotShortenIt() {
        TokenProvider tokens = staleTokenWithARefreshPending(config().build());
        server.respond(r -> unavailable(Map.of()));
        for (int failure = 1; failure <= 5; failure++) {
            failAndMeasureNextAttempt(tokens, CAP_MILLIS);
        }
        server.respond(r -> unavailable(Map.of("Retry-After", "1")));

        assertThat(failAndMeasureNextAttempt(tokens, CAP_MILLIS + 1000))
                .as("sixth failure: the capped backoff, whatever the server's 1 s").isBetween(15_000L, CAP_MILLIS);
    }
}
