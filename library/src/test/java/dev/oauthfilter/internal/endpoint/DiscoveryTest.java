package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.EndpointLayout;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OpenID Connect Discovery / RFC 8414: the token endpoint found in the issuer's metadata, lazily and once. */
class DiscoveryTest {

    private static final String SECRET = "discovery-secret-11";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();

    private String issuer() {
        return server.uri("/realms/demo").toString();
    }

    private Reply metadata(String issuer, String tokenEndpoint) {
        return Reply.json(200, "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + tokenEndpoint
                + "\",\"jwks_uri\":\"" + issuer + "/certs\"}");
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().issuer(server.uri("/realms/demo")).clientId("discovering")
                .clientSecret(SECRET).maxAttempts(1).failureCooldown(Duration.ofSeconds(1));
    }

    @Test
    void theTokenEndpointIsReadFromTheIssuersOpenIdConfigurationOnceAndKept() {
        server.serveDocument("/realms/demo/.well-known/openid-configuration",
                r -> metadata(issuer(), issuer() + "/protocol/openid-connect/token"));
        OAuthClientConfig config = config().build();
        TokenProvider tokens = cache.provider(config);
        assertThat(config.endpoint().layout()).isEqualTo(EndpointLayout.DISCOVERY);
        assertThat(server.documentRequests()).as("lazy: nothing fetched before the first token").isEmpty();

        tokens.token();
        clock.advance(Duration.ofHours(2));
        tokens.token();

        assertThat(server.documentRequests()).hasSize(1);
        assertThat(server.tokenRequests()).extracting(r -> r.path)
                .containsExactly("/realms/demo/protocol/openid-connect/token", "/realms/demo/protocol/openid-connect/token");
    }

    @Test
    void withoutOpenIdConfigurationTheRfc8414LocationIsTried() {
        server.serveDocument("/realms/demo/.well-known/openid-configuration", r -> Reply.json(404, "{}"));
        server.serveDocument("/.well-known/oauth-authorization-server/realms/demo",
                r -> metadata(issuer(), server.uri("/oauth2/token").toString()));

        cache.provider(config().build()).token();

        assertThat(server.documentRequests()).extracting(r -> r.path).containsExactly(
                "/realms/demo/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/realms/demo");
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/oauth2/token");
    }

    @Test
    void anIssuerDownAtStartupIsRetriedOnLaterCallsAndRecoversWithoutARestart() {
        AtomicBoolean up = new AtomicBoolean(false);
        server.serveDocument("/realms/demo/.well-known/openid-configuration", r -> up.get()
                ? metadata(issuer(), issuer() + "/token") : Reply.json(503, "{}"));
        TokenProvider tokens = cache.provider(config().build());

        TokenException down = catchThrowableOfType(TokenException.class, tokens::token);
        assertThat(down.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(down.isRetryable()).isTrue();

        up.set(true);
        clock.advance(Duration.ofSeconds(2));
        assertThat(tokens.token().value()).startsWith("tok-");
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/realms/demo/token");
    }

    @Test
    void metadataOfAnotherIssuerIsRefused() {
        server.serveDocument("/realms/demo/.well-known/openid-configuration",
                r -> metadata("https://evil.example.com", server.uri("/steal").toString()));

        TokenException e = catchThrowableOfType(TokenException.class, () -> cache.provider(config().build()).token());

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("evil.example.com").contains("issuer(...)");
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.tokenRequests()).isEmpty();
    }

    @Test
    void anIssuerWithLineBreaksAndKilobytesNeitherForgesLogLinesNorFloodsTheMessage() {
        String forged = "https://evil.example.com\\r\\nSEVERE: forged line " + "x".repeat(5000);
        server.serveDocument("/realms/demo/.well-known/openid-configuration",
                r -> metadata(forged, server.uri("/steal").toString()));

        TokenException e = catchThrowableOfType(TokenException.class, () -> cache.provider(config().build()).token());

        assertThat(e.getMessage()).contains("evil.example.com").doesNotContain("\r").doesNotContain("\n")
                .hasSizeLessThan(600);
        assertThat(logs.lines()).allSatisfy(line -> assertThat(line).doesNotContain("\n").hasSizeLessThan(800));
    }

    @Test
    void aPlainHttpTokenEndpointOnAnotherHostIsRefused() {
        server.serveDocument("/realms/demo/.well-known/openid-configuration",
                r -> metadata(issuer(), "http://as.example.com/token"));

        TokenException e = catchThrowableOfType(TokenException.class, () -> cache.provider(config().build()).token());

        assertThat(e.code()).isEqualTo("INSECURE_TOKEN_URL");
    }

    @Test
    void anExplicitTokenUrlWinsAndNothingIsDiscovered() {
        cache.provider(config().tokenUrl(server.uri("/explicit/token")).build()).token();

        assertThat(server.documentRequests()).isEmpty();
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/explicit/token");
    }

    @Test
    void issuerAndDiscoveryUrlComeFromMicroProfileConfig() {
        server.serveDocument("/meta/custom.json", r -> metadata(issuer(), server.uri("/custom/token").toString()));
        OAuthClientConfig fromDiscoveryUrl = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.discovery-url", server.uri("/meta/custom.json").toString(),
                "oauth.client-id", "c", "oauth.client-secret", SECRET)), OAuthClientConfig.DEFAULT_NAME);
        OAuthClientConfig fromIssuer = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.issuer", issuer(), "oauth.client-id", "c", "oauth.client-secret", SECRET)),
                OAuthClientConfig.DEFAULT_NAME);

        cache.provider(fromDiscoveryUrl).token();

        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/custom/token");
        assertThat(fromIssuer.endpoint().issuer())
                .hasValueSatisfying(i -> assertThat(i.toString()).isEqualTo(issuer()));
        assertThat(fromIssuer.endpoint().layout()).isEqualTo(EndpointLayout.DISCOVERY);
    }
}
