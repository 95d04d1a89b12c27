package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.RawSocketServer;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The fault matrix: for every way a token endpoint can fail, the caller's outcome (code, retryable, how many
 * attempts), a bound on the time it waited, no secret or token anywhere, and recovery once the fault clears. Each
 * run writes the measured rows to {@code target/reliability/fault-matrix.md}.
 */
class FaultMatrixTest {

    private static final String SECRET = "fault-secret-7c1d";
    private static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(3);
    private static final List<String> ROWS = new ArrayList<>();

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET, "partial");
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();

    @AfterAll
    static void writeMatrix() throws IOException {
        Path out = Path.of("target", "reliability", "fault-matrix.md");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>(List.of(
                "| fault | code | retryable | token requests | caller waited (ms) | recovered |",
                "|---|---|---|---|---|---|"));
        lines.addAll(ROWS);
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    private OAuthClientConfig.Builder config(URI tokenUrl) {
        return OAuthClientConfig.builder().tokenUrl(tokenUrl).clientId("fault-client").clientSecret(SECRET)
                .maxAttempts(3).retryBackoff(Duration.ofMillis(20)).readTimeout(Duration.ofMillis(400))
                .acquisitionTimeout(ACQUISITION_TIMEOUT).failureCooldown(Duration.ofSeconds(1));
    }

    static Stream<Arguments> httpFaults() {
        byte[] tenMegabytes = new byte[10 * 1024 * 1024];
        Arrays.fill(tenMegabytes, (byte) '7');
        String token = "{\"access_token\":\"leak-me-not-123\"";
        return Stream.of(
                Arguments.of("500", Reply.json(500, "{}"), "TOKEN_ENDPOINT_ERROR", true, 3),
                Arguments.of("502", Reply.of(502, "text/html", bytes("<h1>Bad Gateway</h1>"), Map.of()),
                        "TOKEN_ENDPOINT_ERROR", true, 3),
                Arguments.of("503 + Retry-After: 1", Reply.of(503, "application/json", bytes("{}"),
                        Map.of("Retry-After", "1")), "TOKEN_ENDPOINT_ERROR", true, 3),
                Arguments.of("429", Reply.json(429, "{\"error\":\"slow_down\"}"), "TOKEN_ENDPOINT_ERROR", true, 3),
                Arguments.of("400 invalid_client", Reply.json(400, "{\"error\":\"invalid_client\"}"),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("400 unauthorized_client", Reply.json(400, "{\"error\":\"unauthorized_client\"}"),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("400 invalid_scope", Reply.json(400, "{\"error\":\"invalid_scope\"}"),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("400 invalid_grant", Reply.json(400, "{\"error\":\"invalid_grant\"}"),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("401 without body", Reply.of(401, null, new byte[0], Map.of()),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("200 HTML", Reply.of(200, "text/html", bytes("<html>login</html>"), Map.of()),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 empty body", Reply.of(200, "application/json", new byte[0], Map.of()),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 truncated JSON", Reply.json(200, token), "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 without access_token", Reply.json(200, "{\"expires_in\":60}"),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 token_type mac", Reply.json(200, token + ",\"token_type\":\"mac\"}"),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 expires_in -5", Reply.json(200, token + ",\"expires_in\":-5}"),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 expires_in \"soon\"", Reply.json(200, token + ",\"expires_in\":\"soon\"}"),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("200 with a 10 MB body", Reply.of(200, "application/json", tenMegabytes, Map.of()),
                        "INVALID_TOKEN_RESPONSE", false, 1),
                Arguments.of("302 redirect", Reply.of(302, null, new byte[0], Map.of("Location", "http://127.0.0.1:9/")),
                        "TOKEN_ENDPOINT_ERROR", false, 1),
                Arguments.of("accepts, never answers", Reply.never(), "TOKEN_ENDPOINT_UNREACHABLE", true, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("httpFaults")
    void eachHttpFaultHasItsOutcomeWithinTheTimeoutAndRecovers(String fault, Reply reply, String code,
                                                                 boolean retryable, int requests) {
        server.respond(r -> reply);
        TokenProvider tokens = cache.provider(config(server.uri("/token")).build());

        long waited = failAndMeasure(tokens, code, retryable);
        assertThat(server.tokenRequestCount()).as("token requests").isEqualTo(requests);

        server.issueTokensLasting(3600);
        clock.advance(Duration.ofSeconds(31));
        assertThat(tokens.token().value()).as("recovery").startsWith("tok-");
        record(fault, code, retryable, String.valueOf(requests), waited);
    }

    @Test
    void aHugeExpiresInIsNotAFaultButIsCapped() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"t\",\"expires_in\":1e30}"));

        assertThat(cache.provider(config(server.uri("/token")).build()).token().expiresAt())
                .isEqualTo(clock.instant().plus(TokenResponseParser.MAX_LIFETIME));
        record("200 expires_in 1e30", "(token, lifetime capped to 365 days)", false, "1", 0);
    }

    @Test
    void connectionRefusedIsUnreachableAndRecoversWhenTheServerComesUp() throws Exception {
        ReservedPort reserved = new ReservedPort();
        int port = reserved.port();
        TokenProvider tokens = cache.provider(config(URI.create("http://127.0.0.1:" + port + "/token")).build());

        long waited = failAndMeasure(tokens, "TOKEN_ENDPOINT_UNREACHABLE", true);

        com.sun.net.httpserver.HttpServer up = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", port), 0);
        up.createContext("/token", exchange -> {
            byte[] body = bytes("{\"access_token\":\"back-up\",\"expires_in\":60}");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        up.start();
        reserved.close();
        try {
            clock.advance(Duration.ofSeconds(2));
            assertThat(tokens.token().value()).isEqualTo("back-up");
        } finally {
            up.stop(0);
        }
        record("connection refused", "TOKEN_ENDPOINT_UNREACHABLE", true, "3 (none reach a server)", waited);
    }

    @Test
    void aConnectionResetMidBodyIsUnreachableAndRecovers() throws Exception {
        try (RawSocketServer raw = new RawSocketServer()) {
            TokenProvider tokens = cache.provider(config(raw.uri("/token")).build());

            long waited = failAndMeasure(tokens, "TOKEN_ENDPOINT_UNREACHABLE", true);
            assertThat(raw.requests()).isEqualTo(3);

            raw.resetMidBody(false);
            clock.advance(Duration.ofSeconds(2));
            assertThat(tokens.token().value()).isEqualTo("raw-ok");
            record("connection reset mid-body", "TOKEN_ENDPOINT_UNREACHABLE", true, "3", waited);
        }
    }

    private long failAndMeasure(TokenProvider tokens, String code, boolean retryable) {
        long start = System.nanoTime();
        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(e).as("a TokenException").isNotNull();
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(waited).as("waited no longer than the acquisition timeout (+ scheduling slack)")
                .isLessThan(ACQUISITION_TIMEOUT.toMillis() + 500);
        Secrets.assertNotInChain(e, LogCapture.all(server.issuedTokens(), SECRET, "leak-me-not-123"));
        return waited;
    }

    private static void record(String fault, String code, boolean retryable, String requests, long waitedMillis) {
        synchronized (ROWS) {
            ROWS.add("| " + fault + " | " + code + " | " + (retryable ? "yes" : "no") + " | " + requests + " | "
                    + waitedMillis + " | yes |");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
