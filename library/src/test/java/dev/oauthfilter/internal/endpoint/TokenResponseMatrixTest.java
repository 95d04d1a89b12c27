package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every kind of answer a token endpoint may give, and what the caller gets for it. */
class TokenResponseMatrixTest {

    private static final String SECRET = "matrix-secret-9f8e7d";
    private static final String LEAKY = "leaky-token-value-0123456789";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET, LEAKY);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("matrix-client")
                .clientSecret(SECRET).maxAttempts(3).retryBackoff(Duration.ofMillis(1))
                .acquisitionTimeout(Duration.ofSeconds(5));
    }

    private TokenException failureOf(OAuthClientConfig.Builder config) {
        TokenProvider tokens = cache.provider(config.build());
        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(e).as("a TokenException").isNotNull();
        Secrets.assertNotInChain(e, List.of(SECRET, LEAKY));
        assertThat(e.clientName()).contains("default");
        return e;
    }

    static Stream<Arguments> invalidResponses() {
        byte[] big = new byte[2 * TokenEndpointClient.MAX_BODY_BYTES];
        Arrays.fill(big, (byte) ' ');
        return Stream.of(
                Arguments.of("HTML page", Reply.of(200, "text/html", bytes("<html><body>Login</body></html>"), Map.of()),
                        "not valid JSON"),
                Arguments.of("empty body", Reply.of(200, "application/json", new byte[0], Map.of()), "empty"),
                Arguments.of("not JSON", Reply.of(200, "text/plain", bytes("access_token=" + LEAKY), Map.of()),
                        "not valid JSON"),
                Arguments.of("JSON array", Reply.json(200, "[\"" + LEAKY + "\"]"), "not a JSON object"),
                Arguments.of("truncated JSON", Reply.json(200, "{\"access_token\":\"" + LEAKY), "not valid JSON"),
                Arguments.of("no access_token", Reply.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":60}"),
                        "no access_token"),
                Arguments.of("blank access_token", Reply.json(200, "{\"access_token\":\" \"}"), "no access_token"),
                Arguments.of("token_type mac", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"token_type\":\"mac\",\"expires_in\":60}"), "mac"),
                Arguments.of("expires_in negative", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"expires_in\":-5}"), "must be positive"),
                Arguments.of("expires_in zero", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"expires_in\":0}"), "must be positive"),
                Arguments.of("expires_in non-numeric", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"expires_in\":\"soon\"}"), "not a number"),
                Arguments.of("expires_in under a second", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"expires_in\":0.0001}"), "at least one second"),
                Arguments.of("expires_in of 1500 digits", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"expires_in\":" + "9".repeat(1500) + "}"),
                        "beyond the parser's limits"),
                Arguments.of("JSON nested 2000 deep", Reply.json(200,
                        "{\"access_token\":\"" + LEAKY + "\",\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}"),
                        "beyond the parser's limits"),
                Arguments.of("body over 1 MiB", Reply.of(200, "application/json", big, Map.of()),
                        "larger than 1048576 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidResponses")
    void unusableSuccessResponsesAreInvalidTokenResponsesAndNotRetried(String name, Reply reply, String detail) {
        server.respond(r -> reply);

        TokenException e = failureOf(config());

        assertThat(e.code()).isEqualTo("INVALID_TOKEN_RESPONSE");
        assertThat(e.getMessage()).contains(detail);
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void oauthErrorBodyBecomesTokenEndpointErrorWithErrorAndDescriptionAndNoRetry() {
        server.respond(r -> Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"Client authentication failed for secret " + SECRET + "\\r\\nForged: log line\"}"));

        TokenException e = failureOf(config());

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.oauthError()).contains("invalid_client");
        assertThat(e.oauthErrorDescription()).hasValueSatisfying(d -> assertThat(d)
                .startsWith("Client authentication failed").doesNotContain(SECRET).doesNotContain("\n"));
        assertThat(e.getMessage()).contains("clientId(...)", "clientSecret(...)");
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedUpToMaxAttemptsThenReportedAsRetryable() {
        server.respond(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        TokenException e = failureOf(config());

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.isRetryable()).isTrue();
        assertThat(server.tokenRequestCount()).isEqualTo(3);
    }

    @Test
    void aTransientFailureFollowedBySuccessGivesTheToken() {
        String good = "{\"access_token\":\"after-retry\",\"expires_in\":60}";
        server.respond(r -> server.tokenRequestCount() == 1 ? Reply.json(500, "oops") : Reply.json(200, good));

        AccessToken token = cache.provider(config().build()).token();

        assertThat(token.value()).isEqualTo("after-retry");
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void missingExpiresInFallsBackToTheJwtExpClaim() {
        long exp = clock.instant().getEpochSecond() + 900;
        String jwt = jwtWithExp(exp);
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\"}"));

        AccessToken token = cache.provider(config().build()).token();

        assertThat(token.expiresAt()).isEqualTo(Instant.ofEpochSecond(exp));
    }

    @Test
    void aJwtWhoseExpIsPastIsRejected() {
        String jwt = jwtWithExp(clock.instant().getEpochSecond() - 1);
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwt + "\"}"));

        assertThat(failureOf(config()).code()).isEqualTo("INVALID_TOKEN_RESPONSE");
    }

    @Test
    void missingExpiresInOnAnOpaqueTokenUsesTheConfiguredDefaultLifetime() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"opaque\"}"));

        AccessToken token = cache.provider(config().defaultLifetime(Duration.ofSeconds(42)).build()).token();

        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(42));
    }

    @Test
    void aHugeExpiresInIsCappedToOneYear() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"forever\",\"expires_in\":1e300}"));

        AccessToken token = cache.provider(config().build()).token();

        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(TokenResponseParser.MAX_LIFETIME));
    }

    @Test
    void redirectsAreNotFollowedSoCredentialsStayWithTheConfiguredEndpoint() {
        server.respond(r -> Reply.of(302, null, new byte[0], Map.of("Location", server.uri("/api/stolen").toString())));

        TokenException e = failureOf(config());

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.getMessage()).contains("redirect");
        assertThat(server.apiRequests()).isEmpty();
    }

    @Test
    void aServerThatNeverAnswersFailsAsUnreachableWithinTheReadTimeout() {
        server.respond(r -> Reply.never());
        long start = System.nanoTime();

        TokenException e = failureOf(config().readTimeout(Duration.ofMillis(300)).maxAttempts(1));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.isRetryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void noCallerWaitsLongerThanTheAcquisitionTimeoutEvenWithRetries() {
        server.respond(r -> Reply.never());
        long start = System.nanoTime();

        TokenException e = failureOf(config().readTimeout(Duration.ofSeconds(10))
                .acquisitionTimeout(Duration.ofMillis(400)).maxAttempts(5));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void connectionRefusedIsUnreachable() {
        TokenException e;
        int closedPort;
        try (ReservedPort reserved = new ReservedPort()) {
            closedPort = reserved.port();
            e = failureOf(config().tokenUrl(URI.create("http://127.0.0.1:" + closedPort + "/token")).maxAttempts(2));
        }

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
    }

    private static String jwtWithExp(long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(bytes("{\"alg\":\"RS256\"}")) + "."
                + b64.encodeToString(bytes("{\"sub\":\"svc\",\"exp\":" + exp + "}")) + ".c2lnbmF0dXJl";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
