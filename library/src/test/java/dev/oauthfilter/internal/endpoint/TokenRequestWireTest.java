package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** What exactly goes over the wire to the token endpoint, per layout and client authentication method. */
class TokenRequestWireTest {

    private static final String SECRET = "se:cr et@1";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mcaLayoutSendsTheSeedSdksRequestByteForByte() {
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .serverUrl(server.uri("/imf-authserver"))
                .tenantId("tenant-42")
                .clientId("client:42")
                .clientSecret(SECRET)
                .build());

        String header = tokens.authorizationHeader();

        Received request = server.tokenRequests().get(0);
        assertThat(request.method).isEqualTo("POST");
        assertThat(request.path).isEqualTo("/imf-authserver/authorization/v1/apps/tenant-42/token");
        assertThat(request.header("Authorization")).isEqualTo(basic("client:42:" + SECRET));
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.body).isEqualTo("grant_type=client_credentials");
        assertThat(header).isEqualTo("Bearer " + server.issuedTokens().get(0));
        assertThat(logs.lines()).as("the capture sees FINE records, so the absence checks mean something")
                .anyMatch(line -> line.startsWith("FINE") && line.contains("obtained AccessToken[type=Bearer, sha256="));
    }

    @Test
    void appIdLayoutPostsToTokenUnderTheOAuthServerUrlAndAcceptsExpiresInAsString() {
        server.respond(r -> FakeTokenServer.Reply.json(200,
                "{\"access_token\":\"appid-token\",\"token_type\":\"Bearer\",\"expires_in\":\"3600\"}"));
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .oauthServerUrl(server.uri("/oauth/v4/tenant-7"))
                .clientId("app id client")
                .clientSecret(SECRET)
                .build());

        AccessToken token = tokens.token();

        Received request = server.tokenRequests().get(0);
        assertThat(request.path).isEqualTo("/oauth/v4/tenant-7/token");
        assertThat(request.header("Authorization")).isEqualTo(basic("app id client:" + SECRET));
        assertThat(request.body).isEqualTo("grant_type=client_credentials");
        assertThat(token.value()).isEqualTo("appid-token");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
    }

    @Test
    void standardTokenUrlFormEncodesBasicCredentialsPerRfc6749() {
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/realms/demo/protocol/openid-connect/token"))
                .clientId("my client")
                .clientSecret(SECRET)
                .build());

        tokens.token();

        Received request = server.tokenRequests().get(0);
        assertThat(request.path).isEqualTo("/realms/demo/protocol/openid-connect/token");
        assertThat(request.header("Authorization")).isEqualTo(basic("my+client:se%3Acr+et%401"));
        assertThat(request.header("Accept")).isEqualTo("application/json");
    }

    @Test
    void clientSecretPostSendsCredentialsInTheBodyAndNoAuthorizationHeader() {
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token"))
                .clientId("post-client")
                .clientSecret(SECRET)
                .clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST)
                .build());

        tokens.token();

        Received request = server.tokenRequests().get(0);
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.body)
                .isEqualTo("grant_type=client_credentials&client_id=post-client&client_secret=se%3Acr+et%401");
    }

    @Test
    void scopeAudienceResourcesAndExtraParametersAreSentFormEncoded() {
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token"))
                .clientId("c")
                .clientSecret(SECRET)
                .scope("read write")
                .audience("https://api.example.com")
                .resource("https://notes.example.com/")
                .resource("urn:inventory")
                .extraParameter("tenant", "acme&co")
                .build());

        tokens.token();

        assertThat(server.tokenRequests().get(0).body).isEqualTo("grant_type=client_credentials"
                + "&scope=read+write&audience=https%3A%2F%2Fapi.example.com"
                + "&resource=https%3A%2F%2Fnotes.example.com%2F&resource=urn%3Ainventory&tenant=acme%26co");
    }

    @Test
    void grantedScopeAndExpiryComeFromTheResponse() {
        server.respond(r -> FakeTokenServer.Reply.json(200,
                "{\"access_token\":\"t\",\"token_type\":\"bearer\",\"expires_in\":120,\"scope\":\"read\"}"));
        AccessToken token = cache.provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId("c").clientSecret(SECRET).scope("read write").build()).token();

        assertThat(token.scope()).contains("read");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(120)));
        assertThat(token.tokenType()).isEqualTo("Bearer");
    }

    @Test
    void aRotatedSecretFileIsSentOnTheNextTokenRequestWithoutARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("secret");
        java.nio.file.Files.writeString(file, SECRET + "\n");
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId("rotating").clientSecretFile(file).build());
        tokens.token();

        java.nio.file.Files.writeString(file, SECRET + "-rotated");
        clock.advance(Duration.ofHours(2));
        tokens.token();

        assertThat(server.tokenRequests()).extracting(r -> r.header("Authorization")).containsExactly(
                basic("rotating:" + "se%3Acr+et%401"), basic("rotating:" + "se%3Acr+et%401-rotated"));
    }
}
