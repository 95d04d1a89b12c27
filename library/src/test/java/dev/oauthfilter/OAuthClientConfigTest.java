package dev.oauthfilter;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OAuthClientConfigTest {

    private static final String SECRET = "s3cr3t-value-never-shown";

    private static OAuthClientConfig.Builder valid() {
        return OAuthClientConfig.builder()
                .tokenUrl(URI.create("https://as.example.com/oauth/token"))
                .clientId("my-client")
                .clientSecret(SECRET);
    }

    private static TokenException failure(OAuthClientConfig.Builder builder) {
        return catchThrowableOfType(TokenException.class, builder::build);
    }

    @Test
    void aMissingClientIdFailsWithMissingClientIdNamingTheKeyAndEnvVar() {
        TokenException e = failure(valid().clientId(null));
        assertThat(e.code()).isEqualTo("MISSING_CLIENT_ID");
        assertThat(e.getMessage()).contains("oauth.client-id").contains("OAUTH_CLIENT_ID");
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void aMissingOrBlankSecretFailsWithMissingSecret() {
        assertThat(failure(valid().clientSecret((String) null)).code()).isEqualTo("MISSING_SECRET");
        assertThat(failure(valid().clientSecret("  ")).code()).isEqualTo("MISSING_SECRET");
    }

    @Test
    void withoutAnEndpointMissingServerUrlListsEveryWayToGiveOne() {
        TokenException e = failure(valid().tokenUrl(null));
        assertThat(e.code()).isEqualTo("MISSING_SERVER_URL");
        assertThat(e.getMessage()).contains("oauth.token-url", "oauth.server-url", "oauth.tenant-id",
                "oauth.oauth-server-url", "VCAP_SERVICES");
    }

    @Test
    void anMcaServerUrlWithoutATenantFailsWithMissingTenantId() {
        TokenException e = failure(valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf")));
        assertThat(e.code()).isEqualTo("MISSING_TENANT_ID");
        assertThat(e.getMessage()).contains("oauth.tenant-id");
    }

    @Test
    void aSettingMissingFromANamedClientIsNamedByItsPrefixedKey() {
        TokenException e = failure(valid().name("billing").clientId(""));
        assertThat(e.getMessage()).contains("oauth.billing.client-id").contains("OAUTH_BILLING_CLIENT_ID");
        assertThat(e.clientName()).contains("billing");
    }

    @Test
    void mcaLayoutInsertsASlashOnlyWhenTheServerUrlLacksOne() {
        OAuthClientConfig without = valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf"))
                .tenantId("t-1").build();
        OAuthClientConfig with = valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf/"))
                .tenantId("t-1").build();
        assertThat(without.tokenEndpoint())
                .isEqualTo(URI.create("https://mca.example.com/imf/authorization/v1/apps/t-1/token"));
        assertThat(with.tokenEndpoint()).isEqualTo(without.tokenEndpoint());
        assertThat(with.layout()).isEqualTo(EndpointLayout.MCA);
    }

    @Test
    void appIdLayoutAppendsTokenToTheOAuthServerUrl() {
        OAuthClientConfig config = valid().tokenUrl(null)
                .oauthServerUrl(URI.create("https://us-south.appid.example.com/oauth/v4/tenant-9/")).build();
        assertThat(config.tokenEndpoint())
                .isEqualTo(URI.create("https://us-south.appid.example.com/oauth/v4/tenant-9/token"));
        assertThat(config.layout()).isEqualTo(EndpointLayout.APP_ID);
    }

    @Test
    void anExplicitTokenUrlWinsOverAnMcaServerUrl() {
        OAuthClientConfig config = valid().serverUrl(URI.create("https://mca.example.com")).tenantId("t").build();
        assertThat(config.layout()).isEqualTo(EndpointLayout.TOKEN_URL);
        assertThat(config.tokenEndpoint()).isEqualTo(URI.create("https://as.example.com/oauth/token"));
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopbackOrWhenExplicitlyAllowed() {
        TokenException e = failure(valid().tokenUrl(URI.create("http://as.example.com/token")));
        assertThat(e.code()).isEqualTo("INSECURE_TOKEN_URL");
        assertThat(e.getMessage()).contains("oauth.allow-insecure-http");

        assertThat(valid().tokenUrl(URI.create("http://as.example.com/token")).allowInsecureHttp(true).build())
                .isNotNull();
        for (String loopback : new String[] {"http://localhost:8080/t", "http://127.0.0.1/t", "http://[::1]:9/t"}) {
            assertThat(valid().tokenUrl(URI.create(loopback)).build().tokenEndpoint()).hasToString(loopback);
        }
    }

    @Test
    void badUrlsAndValuesAreInvalidSettingsNamingTheKey() {
        assertThat(failure(valid().tokenUrl(URI.create("/relative"))).getMessage()).contains("oauth.token-url");
        assertThat(failure(valid().tokenUrl(URI.create("https://user:pw@as.example.com/t"))).code())
                .isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().tokenUrl(URI.create("ftp://as.example.com/t"))).code())
                .isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().readTimeout(Duration.ZERO)).getMessage()).contains("oauth.read-timeout");
        assertThat(failure(valid().maxAttempts(0)).getMessage()).contains("oauth.max-attempts");
        assertThat(failure(valid().cacheSize(0)).getMessage()).contains("oauth.cache-size");
        assertThat(failure(valid().extraParameter("client_secret", "x")).code()).isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().name("bad name")).code()).isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().tokenUrl(null).serverUrl(URI.create("https://m.example.com")).tenantId("a/b"))
                .code()).isEqualTo("INVALID_SETTING");
    }

    @Test
    void toStringNeverShowsTheSecret() {
        OAuthClientConfig config = valid().scope("read").build();
        assertThat(config.toString()).doesNotContain(SECRET).contains("my-client").contains("redacted");
        assertThat(config.clientSecret().orElseThrow().toString()).doesNotContain(SECRET);
    }

    @Test
    void unknownAuthMethodNamesTheAcceptedValues() {
        assertThat(ClientAuthMethod.fromConfigValue("client-secret-post")).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThatThrownBy(() -> ClientAuthMethod.fromConfigValue("private_key"))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("client_secret_basic");
    }

    @Test
    void accessTokenToStringShowsAFingerprintNotTheValue() {
        AccessToken token = new AccessToken("eyJ.secret-token.value", "Bearer", java.time.Instant.EPOCH,
                java.time.Instant.EPOCH.plusSeconds(60), "read");
        assertThat(token.toString()).doesNotContain("secret-token").contains(token.fingerprint());
        assertThat(token.authorizationHeader()).isEqualTo("Bearer eyJ.secret-token.value");
    }
}
