package dev.oauthfilter.internal.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issuer metadata that cannot be used: not JSON, no usable {@code token_endpoint}, over 1 MiB, or an issuer that
 * cannot be reached. Each is {@code DISCOVERY_FAILED} (retryable only when the issuer could not be reached), no token
 * request is made anywhere, and once the metadata is right a later call gets a token without a restart.
 */
class DiscoveryFailureTest {

    private static final String SECRET = "discovery-failure-secret-3b";
    private static final String METADATA_PATH = "/realms/demo/.well-known/openid-configuration";
    private static final int ONE_MIB = 1 << 20;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();

    private OAuthClientConfig config(URI issuer) {
        return OAuthClientConfig.builder().issuer(issuer).clientId("discovering").clientSecret(SECRET)
                .maxAttempts(1).failureCooldown(Duration.ofSeconds(1)).build();
    }

    private static String metadataJson(String issuer, String tokenEndpoint) {
        return "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + tokenEndpoint + "\"}";
    }

    /** Valid metadata padded past 1 MiB: only its size is wrong. */
    private static String oversizedMetadata(String issuer, String tokenEndpoint) {
        return "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + tokenEndpoint + "\",\"padding\":\""
                + "x".repeat(ONE_MIB) + "\"}";
    }

    static Stream<Arguments> unusableMetadata() {
        Function<String, Reply> notJson = issuer -> Reply.of(200, "text/html",
                "<html><body>Sign in</body></html>".getBytes(StandardCharsets.UTF_8), Map.of());
        Function<String, Reply> notAnObject = issuer -> Reply.json(200, "[\"" + issuer + "\"]");
        Function<String, Reply> noTokenEndpoint = issuer -> Reply.json(200, "{\"issuer\":\"" + issuer
                + "\",\"jwks_uri\":\"" + issuer + "/certs\"}");
        Function<String, Reply> relativeTokenEndpoint = issuer -> Reply.json(200,
                metadataJson(issuer, "/protocol/openid-connect/token"));
        Function<String, Reply> numericTokenEndpoint = issuer -> Reply.json(200,
                "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":42}");
        Function<String, Reply> oversized = issuer -> Reply.json(200, oversizedMetadata(issuer, issuer + "/token"));
        return Stream.of(
                Arguments.of("not JSON", notJson, "is not JSON"),
                Arguments.of("a JSON array", notAnObject, "is not a JSON object"),
                Arguments.of("no token_endpoint", noTokenEndpoint, "has no usable token_endpoint"),
                Arguments.of("a relative token_endpoint", relativeTokenEndpoint, "has no usable token_endpoint"),
                Arguments.of("a numeric token_endpoint", numericTokenEndpoint, "has no usable token_endpoint"),
                Arguments.of("over 1 MiB", oversized, "larger than 1 MiB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableMetadata")
    void unusableMetadataIsANonRetryableDiscoveryFailureAndAFixedDocumentIsReadLater(String fault,
            Function<String, Reply> broken, String says) {
        String issuer = server.uri("/realms/demo").toString();
        AtomicReference<Reply> metadata = new AtomicReference<>(broken.apply(issuer));
        server.serveDocument(METADATA_PATH, r -> metadata.get());
        TokenProvider tokens = cache.provider(config(URI.create(issuer)));

        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.isRetryable()).as("the same document will not become usable by asking again").isFalse();
        assertThat(e.getMessage()).contains(says).contains(METADATA_PATH).hasSizeLessThan(600);
        assertThat(e.clientName()).contains("default");
        assertThat(server.tokenRequests()).as("no token request without a token endpoint").isEmpty();
        Secrets.assertNotInChain(e, List.of(SECRET));

        metadata.set(Reply.json(200, metadataJson(issuer, issuer + "/protocol/openid-connect/token")));
        clock.advance(Duration.ofSeconds(2));

        assertThat(tokens.token().value()).isEqualTo(server.issuedTokens().get(0));
        assertThat(server.documentRequests()).hasSize(2);
        assertThat(server.tokenRequests()).extracting(r -> r.path)
                .containsExactly("/realms/demo/protocol/openid-connect/token");
    }

    @Test
    void withinTheCooldownAFailedDiscoveryIsNotRepeated() {
        String issuer = server.uri("/realms/demo").toString();
        server.serveDocument(METADATA_PATH, r -> Reply.json(200, "{\"issuer\":\"" + issuer + "\"}"));
        TokenProvider tokens = cache.provider(config(URI.create(issuer)));

        for (int i = 0; i < 5; i++) {
            assertThat(catchThrowableOfType(TokenException.class, tokens::token).code()).isEqualTo("DISCOVERY_FAILED");
        }

        assertThat(server.documentRequests()).hasSize(1);
    }

    @Test
    void anUnreachableIssuerIsARetryableDiscoveryFailureAndRecoversWhenItComesUp() throws IOException {
        AtomicInteger tokenRequests = new AtomicInteger();
        try (ReservedPort reserved = new ReservedPort()) {
            int port = reserved.port();
            String issuer = "http://127.0.0.1:" + port + "/realms/demo";
            TokenProvider tokens = cache.provider(config(URI.create(issuer)));

            TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

            assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
            assertThat(e.isRetryable()).as("an issuer that is down may come up").isTrue();
            assertThat(e.getMessage()).contains("cannot reach").contains(METADATA_PATH);
            Secrets.assertNotInChain(e, LogCapture.all(server.issuedTokens(), SECRET));

            HttpServer up = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            up.createContext(METADATA_PATH, exchange -> answer(exchange, metadataJson(issuer, issuer + "/token")));
            up.createContext("/realms/demo/token", exchange -> {
                tokenRequests.incrementAndGet();
                answer(exchange, "{\"access_token\":\"issuer-back-up\",\"expires_in\":60}");
            });
            up.start();
            reserved.close();
            try {
                clock.advance(Duration.ofSeconds(2));
                assertThat(tokens.token().value()).isEqualTo("issuer-back-up");
                assertThat(tokenRequests).hasValue(1);
            } finally {
                up.stop(0);
            }
        }
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
