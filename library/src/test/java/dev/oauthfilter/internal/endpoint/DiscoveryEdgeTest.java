package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The edges of discovery, one token request at a time (no cache, no retries): which metadata locations are tried
 * and when to stop, which answers are worth retrying, and which token endpoints a metadata document may name.
 */
class DiscoveryEdgeTest {

    private static final String SECRET = "discovery-edge-secret-0b9c";
    private static final String OPENID = "/realms/demo/.well-known/openid-configuration";
    private static final String RFC_8414 = "/.well-known/oauth-authorization-server/realms/demo";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenHttpClients http = new TokenHttpClients();

    @AfterEach
    void releaseClients() {
        http.close();
    }

    private String issuer() {
        return server.uri("/realms/demo").toString();
    }

    private static Reply metadata(String issuer, String tokenEndpoint) {
        return Reply.json(200, "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + tokenEndpoint + "\"}");
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().issuer(server.uri("/realms/demo")).clientId("discovering")
                .clientSecret(SECRET);
    }

    private TokenEndpointClient client(OAuthClientConfig config) {
        return new TokenEndpointClient(config,
                http.forSettings(config.timing().connectTimeout(), config.tls().context()), clock);
    }

    private TokenException failure(OAuthClientConfig config) {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> client(config).requestToken(Duration.ofSeconds(5)));
        assertThat(e).as("a TokenException").isNotNull();
        assertThat(server.tokenRequests()).as("no token request without a token endpoint").isEmpty();
        return e;
    }

    @Test
    void aMethodNotAllowedAtTheOpenIdLocationMovesOnToTheRfc8414Location() {
        server.serveDocument(OPENID, r -> Reply.json(405, "{}"));
        server.serveDocument(RFC_8414, r -> metadata(issuer(), server.uri("/oauth2/token").toString()));

        client(config().build()).requestToken(Duration.ofSeconds(5));

        assertThat(server.documentRequests()).extracting(r -> r.method + " " + r.path)
                .containsExactly("GET " + OPENID, "GET " + RFC_8414);
        assertThat(server.documentRequests().get(0).header("Accept")).isEqualTo("application/json");
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/oauth2/token");
    }

    @Test
    void noMetadataAtEitherLocationIsAFailureThatRetryingCannotFix() {
        server.serveDocument(OPENID, r -> Reply.json(404, "{}"));
        server.serveDocument(RFC_8414, r -> Reply.json(404, "{}"));

        TokenException e = failure(config().build());

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("no metadata at " + server.uri(RFC_8414) + " (404)");
        assertThat(e.isRetryable()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"403, false", "499, false", "429, true", "500, true", "503, true"})
    void anUnexpectedStatusStopsDiscoveryAndIsRetryableOnlyForOverloadAndServerErrors(int status, boolean retryable) {
        server.serveDocument(OPENID, r -> Reply.json(status, "{}"));

        TokenException e = failure(config().build());

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("metadata request " + server.uri(OPENID) + " answered " + status);
        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(server.documentRequests()).as("the RFC 8414 location is not tried").hasSize(1);
    }

    @Test
    void theIssuerMatchesWithOrWithoutATrailingSlash() {
        server.serveDocument(OPENID, r -> metadata(issuer() + "/", server.uri("/oauth2/token").toString()));

        AccessToken token = client(config().build()).requestToken(Duration.ofSeconds(5));

        assertThat(token.value()).startsWith("tok-");
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/oauth2/token");
    }

    @Test
    void metadataWithoutAnIssuerIsRefused() {
        server.serveDocument(OPENID, r -> Reply.json(200,
                "{\"token_endpoint\":\"" + server.uri("/oauth2/token") + "\"}"));

        TokenException e = failure(config().build());

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("is for issuer '', not " + issuer() + "; check issuer(...)");
    }

    @Test
    void aConfiguredDiscoveryUrlIsTheOnlyDocumentFetched() {
        server.serveDocument("/custom/metadata.json", r -> metadata("https://any.example.com",
                server.uri("/custom/token").toString()));
        OAuthClientConfig config = OAuthClientConfig.builder().discoveryUrl(server.uri("/custom/metadata.json"))
                .clientId("discovering").clientSecret(SECRET).build();

        client(config).requestToken(Duration.ofSeconds(5));

        assertThat(server.documentRequests()).extracting(r -> r.path).containsExactly("/custom/metadata.json");
        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/custom/token");
    }

    @Test
    void aTokenEndpointSchemeInCapitalsIsStillHttp() {
        String upper = server.uri("/oauth2/token").toString().replace("http://", "HTTP://");
        server.serveDocument(OPENID, r -> metadata(issuer(), upper));

        client(config().build()).requestToken(Duration.ofSeconds(5));

        assertThat(server.tokenRequests()).extracting(r -> r.path).containsExactly("/oauth2/token");
    }

    @ParameterizedTest
    @CsvSource({"ftp://127.0.0.1/token", "https:///token", "'http://bad host/token'"})
    void aTokenEndpointThatIsNotAnHttpUrlWithAHostIsNotUsable(String endpoint) {
        server.serveDocument(OPENID, r -> metadata(issuer(), endpoint));

        TokenException e = failure(config().build());

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("has no usable token_endpoint");
        assertThat(e.isRetryable()).isFalse();
    }
}
