package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The edges of a token endpoint's answer, one request at a time (no cache, no retries): the status ranges, the
 * Retry-After forms, the hint each OAuth error gets, the redaction of the secret in an error description, and the
 * lifetimes at their limits.
 */
class TokenResponseEdgeTest {

    private static final String SECRET = "edge-secret-31f4a9";
    private static final String FOUR_CHARACTERS = "Zq9!";
    private static final String THREE_CHARACTERS = "Zq9";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET, FOUR_CHARACTERS);
    @TempDir
    Path dir;
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenHttpClients http = new TokenHttpClients();

    @AfterEach
    void releaseClients() {
        http.close();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("edge-client")
                .clientSecret(SECRET);
    }

    private AccessToken request(OAuthClientConfig config) {
        return new TokenEndpointClient(config,
                http.forSettings(config.timing().connectTimeout(), config.tls().context()), clock)
                .requestToken(Duration.ofSeconds(5));
    }

    private TokenException failure(OAuthClientConfig config) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> request(config));
        assertThat(e).as("a TokenException").isNotNull();
        assertThat(server.tokenRequestCount()).as("one request, no retry at this level").isEqualTo(1);
        return e;
    }

    private TokenException failure(Reply reply) {
        server.respond(r -> reply);
        return failure(config().build());
    }

    private static Reply status(int status, Map<String, String> headers) {
        return Reply.of(status, "application/json", "{}".getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void anyTwoHundredStatusCarriesTheToken() {
        server.respond(r -> Reply.json(299, "{\"access_token\":\"two-ninety-nine\",\"expires_in\":60}"));

        assertThat(request(config().build()).value()).isEqualTo("two-ninety-nine");
    }

    @ParameterizedTest
    @CsvSource({"300", "307", "399"})
    void everyThreeHundredStatusIsARedirectThatIsNotFollowed(int status) {
        TokenException e = failure(status(status, Map.of("Location", server.uri("/api/elsewhere").toString())));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.getMessage()).contains("answered " + status + " (a redirect)", "configure the final token URL");
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.apiRequests()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"400, false", "428, false", "429, true", "499, false", "500, true", "599, true"})
    void tooManyRequestsAndServerErrorsAreRetryableAndOtherClientErrorsAreNot(int status, boolean retryable) {
        TokenException e = failure(status(status, Map.of("Retry-After", "7")));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(e.getMessage()).doesNotContain("redirect");
        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(e.retryAfter()).as("Retry-After only counts for a retryable answer")
                .isEqualTo(retryable ? java.util.Optional.of(Duration.ofSeconds(7)) : java.util.Optional.empty());
    }

    @ParameterizedTest
    @CsvSource({"temporarily_unavailable", "server_error"})
    void anOauthErrorThatSaysTheServerIsInTroubleIsRetryableWhateverTheStatus(String error) {
        TokenException e = failure(Reply.json(400, "{\"error\":\"" + error + "\"}"));

        assertThat(e.oauthError()).contains(error);
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void aNegativeRetryAfterMeansRetryNow() {
        assertThat(failure(status(503, Map.of("Retry-After", " -5 "))).retryAfter()).contains(Duration.ZERO);
    }

    @Test
    void aRetryAfterDateInThePastMeansRetryNowAndOneInTheFutureIsTheTimeUntilThen() {
        String past = DateTimeFormatter.RFC_1123_DATE_TIME
                .format(ZonedDateTime.ofInstant(clock.instant().minusSeconds(30), ZoneOffset.UTC));
        assertThat(failure(status(503, Map.of("Retry-After", past))).retryAfter()).contains(Duration.ZERO);
    }

    @Test
    void aRetryAfterThatIsNeitherSecondsNorADateIsIgnored() {
        assertThat(failure(status(503, Map.of("Retry-After", "soon"))).retryAfter()).isEmpty();
    }

    @Test
    void a401WithoutAnOauthErrorPointsAtTheClientCredentials() {
        TokenException e = failure(Reply.of(401, null, new byte[0], Map.of()));

        assertThat(e.oauthError()).isEmpty();
        assertThat(e.getMessage()).contains("answered 401; check the client id and secret, clientId(...) and "
                + "clientSecret(...), and the authentication method, clientAuthMethod(...)");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void noTokenEndpointAtTheUrlPointsAtTheTokenUrl(int status) {
        TokenException e = failure(Reply.of(status, "text/html", "<h1>Not Found</h1>".getBytes(), Map.of()));

        assertThat(e.getMessage()).contains("answered " + status + "; no token endpoint at that URL: check tokenUrl(...)")
                .doesNotContain("clientSecret");
    }

    @Test
    void theOauthErrorDecidesTheHintEvenOnA401() {
        TokenException e = failure(Reply.json(401, "{\"error\":\"invalid_scope\"}"));

        assertThat(e.getMessage()).contains("answered 401; check scope(...) against the scopes the client may request")
                .doesNotContain("clientSecret");
    }

    @Test
    void anInvalidRequestPointsAtTheTokenUrlTheAuthenticationMethodAndTheExtraParameters() {
        TokenException e = failure(Reply.json(400, "{\"error\":\"invalid_request\"}"));

        assertThat(e.getMessage()).contains("answered 400; check tokenUrl(...), clientAuthMethod(...) and any "
                + "extraParameter(...)");
    }

    @Test
    void anUnauthorizedClientAndAnInvalidGrantNameTheClient() {
        assertThat(failure(Reply.json(400, "{\"error\":\"unauthorized_client\"}")).getMessage())
                .contains("does not allow client 'edge-client' the client_credentials grant, or did not accept its"
                        + " credentials").contains("clientSecret(...)");

        server.respond(r -> Reply.json(400, "{\"error\":\"invalid_grant\"}"));
        TokenException e = catchThrowableOfType(TokenException.class, () -> request(config().build()));
        assertThat(e.getMessage()).contains("refused the client_credentials grant for client 'edge-client'",
                "clientId(...)");
    }

    @Test
    void anUnknownOauthErrorGetsNoHint() {
        TokenException e = failure(Reply.json(400, "{\"error\":\"access_denied\"}"));

        assertThat(e.oauthError()).contains("access_denied");
        assertThat(e.getMessage()).endsWith("answered 400 (error=access_denied)");
    }

    @Test
    void anErrorDescriptionQuotingTheSecretShowsItRedacted() {
        TokenException e = failure(Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"secret " + SECRET + " is wrong\"}"));

        assertThat(e.oauthErrorDescription()).contains("secret [redacted] is wrong");
    }

    @Test
    void aSecretOfFourCharactersIsRedactedButAShorterOneIsNotLookedFor() {
        server.respond(r -> Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"secret Zq9! is wrong\"}"));
        assertThat(failure(config().clientSecret(FOUR_CHARACTERS).build()).oauthErrorDescription())
                .contains("secret [redacted] is wrong");

        server.respond(r -> Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"Zq9 is not our secret\"}"));
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> request(config().clientSecret(THREE_CHARACTERS).build()));
        assertThat(e.oauthErrorDescription()).as("three characters would redact ordinary words")
                .contains("Zq9 is not our secret");
    }

    @Test
    void aSecretFileGoneBeforeTheErrorArrivesStillHasTheSecretItSentRedacted() throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), SECRET);
        server.respond(r -> {
            try {
                Files.delete(file); // rotated away while the request was on its way
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Reply.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"secret "
                    + SECRET + " is wrong\"}");
        });

        TokenException e = failure(config().clientSecretFile(file).build());

        // the secret redacted is the one the request sent, not the file read again
        assertThat(e.oauthErrorDescription()).contains("secret [redacted] is wrong");
        assertThat(e.oauthError()).contains("invalid_client");
    }

    @Test
    void aSecretFileGoneBeforeAnErrorWithoutDescriptionLeavesNoDescription() throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), SECRET);
        server.respond(r -> {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Reply.json(401, "{\"error\":\"invalid_client\"}");
        });

        assertThat(failure(config().clientSecretFile(file).build()).oauthErrorDescription()).isEmpty();
    }

    @Test
    void withoutAClientSecretTheErrorDescriptionIsKeptAsSent() throws Exception {
        server.respond(r -> Reply.json(400, "{\"error\":\"invalid_client\",\"error_description\":\"no such key\"}"));
        OAuthClientConfig keyOnly = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("edge-client")
                .clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                .clientKey(ClientKey.of(TestKeys.ecP256().getPrivate(), List.of())).build();

        assertThat(failure(keyOnly).oauthErrorDescription()).contains("no such key");
    }

    @Test
    void anObjectWhereATextIsExpectedCountsAsMissing() {
        TokenException e = failure(Reply.json(200, "{\"access_token\":{\"value\":\"nested\"},\"expires_in\":60}"));

        assertThat(e.code()).isEqualTo("INVALID_TOKEN_RESPONSE");
        assertThat(e.getMessage()).contains("no access_token");
    }

    @Test
    void aScopeThatIsNotTextIsNotTakenAsTheGrantedScope() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"scoped\",\"expires_in\":60,\"scope\":[\"a\",\"b\"]}"));

        assertThat(request(config().build()).scope()).isEmpty();
    }

    @Test
    void malformedJsonIsReportedWithItsPositionButNotItsContent() {
        TokenException e = failure(Reply.json(200, "{\"access_token\":\"leak-me\",,}"));

        assertThat(e.code()).isEqualTo("INVALID_TOKEN_RESPONSE");
        assertThat(e.getMessage()).contains("not valid JSON (Content-Type: application/json, line 1, column ")
                .doesNotContain("leak-me");
    }

    @Test
    void anExpiresInOfExactlyOneSecondIsAccepted() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"short\",\"expires_in\":1}"));

        assertThat(request(config().build()).expiresAt()).isEqualTo(clock.instant().plusSeconds(1));
    }

    @Test
    void aFractionalExpiresInKeepsItsMilliseconds() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"fraction\",\"expires_in\":\" 90.25 \"}"));

        assertThat(request(config().build()).expiresAt()).isEqualTo(clock.instant().plusMillis(90_250));
    }

    @Test
    void anExpiresInOfExactlyOneYearIsKept() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"year\",\"expires_in\":31536000}"));

        assertThat(request(config().build()).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(365)));
    }

    @Test
    void aJwtThatExpiresNowIsRejectedAndOneThatExpiresInASecondIsAccepted() {
        long now = clock.instant().getEpochSecond();
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwtWithExp(now) + "\"}"));
        TokenException e = failure(config().build());
        assertThat(e.getMessage()).contains("JWT exp claim is already past");

        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwtWithExp(now + 1) + "\"}"));
        assertThat(request(config().build()).expiresAt()).isEqualTo(Instant.ofEpochSecond(now + 1));
    }

    @Test
    void aJwtExpYearsAwayIsCappedToOneYear() {
        long exp = clock.instant().plus(Duration.ofDays(3650)).getEpochSecond();
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwtWithExp(exp) + "\"}"));

        assertThat(request(config().build()).expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(365)));
    }

    @Test
    void aJwtWithoutAnExpClaimAndNoExpiresInGetsTheDefaultLifetime() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String jwt = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("{\"sub\":\"svc\"}".getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + jwt + "\"}"));

        assertThat(request(config().defaultLifetime(Duration.ofSeconds(42)).build()).expiresAt())
                .isEqualTo(clock.instant().plusSeconds(42));
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() {
        byte[] atLimit = padded("{\"access_token\":\"at-limit\",\"expires_in\":60}", TokenEndpointClient.MAX_BODY_BYTES);
        server.respond(r -> Reply.of(200, "application/json", atLimit, Map.of()));
        assertThat(request(config().build()).value()).isEqualTo("at-limit");

        byte[] over = padded("{\"access_token\":\"over\",\"expires_in\":60}", TokenEndpointClient.MAX_BODY_BYTES + 1);
        server.respond(r -> Reply.of(200, "application/json", over, Map.of()));
        TokenException e = catchThrowableOfType(TokenException.class, () -> request(config().build()));
        assertThat(e.code()).isEqualTo("INVALID_TOKEN_RESPONSE");
        assertThat(e.getMessage()).contains("a body larger than 1048576 bytes");
    }

    @Test
    void serverTextInAMessageIsShownWholeUpTo120CharactersAndCutBeyond() {
        String exactly120 = "m".repeat(120);
        server.respond(r -> Reply.json(200, "{\"access_token\":\"t\",\"token_type\":\"" + exactly120 + "\"}"));
        assertThat(failure(config().build()).getMessage()).contains("token_type is '" + exactly120 + "', only");

        server.respond(r -> Reply.json(200, "{\"access_token\":\"t\",\"token_type\":\"" + exactly120 + "x\"}"));
        TokenException e = catchThrowableOfType(TokenException.class, () -> request(config().build()));
        assertThat(e.getMessage()).contains("token_type is '" + exactly120 + "...', only");
    }

    private static byte[] padded(String json, int length) {
        byte[] body = new byte[length];
        java.util.Arrays.fill(body, (byte) ' ');
        byte[] start = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, body, 0, start.length);
        return body;
    }

    private static String jwtWithExp(long exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"svc\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
                + ".c2lnbmF0dXJl";
    }
}
