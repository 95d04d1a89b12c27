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
    void aMissingClientIdFailsWithMissingClientIdNamingTheBuilderMethod() {
        TokenException e = failure(valid().clientId(null));
        assertThat(e.code()).isEqualTo("MISSING_CLIENT_ID");
        assertThat(e.getMessage()).contains("the client id is missing: set clientId(...)").doesNotContain("oauth.");
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
        assertThat(e.getMessage()).contains("tokenUrl(...)", "issuer(...)", "serverUrl(...)", "tenantId(...)",
                "oauthServerUrl(...)").doesNotContain("oauth.").doesNotContain("VCAP_SERVICES");
    }

    @Test
    void anMcaServerUrlWithoutATenantFailsWithMissingTenantId() {
        TokenException e = failure(valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf")));
        assertThat(e.code()).isEqualTo("MISSING_TENANT_ID");
        assertThat(e.getMessage()).contains("tenantId(...)");
    }

    @Test
    void aSettingMissingFromANamedClientIsNamedByItsBuilderMethodAndTheExceptionNamesTheClient() {
        TokenException e = failure(valid().name("billing").clientId(""));
        assertThat(e.getMessage()).contains("clientId(...)").doesNotContain("oauth.billing");
        assertThat(e.clientName()).contains("billing");
    }

    @Test
    void mcaLayoutInsertsASlashOnlyWhenTheServerUrlLacksOne() {
        OAuthClientConfig without = valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf"))
                .tenantId("t-1").build();
        OAuthClientConfig with = valid().tokenUrl(null).serverUrl(URI.create("https://mca.example.com/imf/"))
                .tenantId("t-1").build();
        assertThat(without.endpoint().url())
                .isEqualTo(URI.create("https://mca.example.com/imf/authorization/v1/apps/t-1/token"));
        assertThat(with.endpoint().url()).isEqualTo(without.endpoint().url());
        assertThat(with.endpoint().layout()).isEqualTo(EndpointLayout.MCA);
    }

    @Test
    void appIdLayoutAppendsTokenToTheOAuthServerUrl() {
        OAuthClientConfig config = valid().tokenUrl(null)
                .oauthServerUrl(URI.create("https://us-south.appid.example.com/oauth/v4/tenant-9/")).build();
        assertThat(config.endpoint().url())
                .isEqualTo(URI.create("https://us-south.appid.example.com/oauth/v4/tenant-9/token"));
        assertThat(config.endpoint().layout()).isEqualTo(EndpointLayout.APP_ID);
    }

    @Test
    void anExplicitTokenUrlWinsOverAnMcaServerUrl() {
        OAuthClientConfig config = valid().serverUrl(URI.create("https://mca.example.com")).tenantId("t").build();
        assertThat(config.endpoint().layout()).isEqualTo(EndpointLayout.TOKEN_URL);
        assertThat(config.endpoint().url()).isEqualTo(URI.create("https://as.example.com/oauth/token"));
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopbackOrWhenExplicitlyAllowed() {
        TokenException e = failure(valid().tokenUrl(URI.create("http://as.example.com/token")));
        assertThat(e.code()).isEqualTo("INSECURE_TOKEN_URL");
        assertThat(e.getMessage()).contains("set allowInsecureHttp(...) to true");

        assertThat(valid().tokenUrl(URI.create("http://as.example.com/token")).allowInsecureHttp(true).build())
                .isNotNull();
        for (String loopback : new String[] {"http://localhost:8080/t", "http://127.0.0.1/t", "http://[::1]:9/t"}) {
            assertThat(valid().tokenUrl(URI.create(loopback)).build().endpoint().url()).hasToString(loopback);
        }
    }

    @Test
    void badUrlsAndValuesAreInvalidSettingsNamingTheBuilderMethod() {
        assertThat(failure(valid().tokenUrl(URI.create("/relative"))).getMessage()).contains("tokenUrl(...)");
        assertThat(failure(valid().tokenUrl(URI.create("https://user:pw@as.example.com/t"))).code())
                .isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().tokenUrl(URI.create("ftp://as.example.com/t"))).code())
                .isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().readTimeout(Duration.ZERO)).getMessage()).contains("readTimeout(...)");
        assertThat(failure(valid().maxAttempts(0)).getMessage()).contains("maxAttempts(...)");
        assertThat(failure(valid().extraParameter("client_secret", "x")).code()).isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().name("bad name")).code()).isEqualTo("INVALID_SETTING");
        assertThat(failure(valid().tokenUrl(null).serverUrl(URI.create("https://m.example.com")).tenantId("a/b"))
                .code()).isEqualTo("INVALID_SETTING");
    }

    @Test
    void theConfigurationHoldsItsPartsEachWithItsOwnSettings() {
        OAuthClientConfig config = valid().scope("read").readTimeout(Duration.ofSeconds(3))
                .allowedHost("api.example.com").dpop(true).build();

        assertThat(config.endpoint().layout()).isEqualTo(EndpointLayout.TOKEN_URL);
        assertThat(config.endpoint().url()).isEqualTo(URI.create("https://as.example.com/oauth/token"));
        assertThat(config.authentication().clientId()).isEqualTo("my-client");
        assertThat(config.authentication().method()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(config.requestParameters().scope()).contains("read");
        assertThat(config.timing().readTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.timing().maxAttempts()).isEqualTo(3);
        assertThat(config.policy().allowedHosts()).containsExactly("api.example.com");
        assertThat(config.tls().context()).isEmpty();
        assertThat(config.dpop().enabled()).isTrue();
        assertThat(config.dpop().key()).isEmpty();
        assertThat(config.authentication().toString()).doesNotContain(SECRET).contains("redacted");
    }

    @Test
    void aSourceOfConfigurationNamesTheSettingsInItsOwnWords() {
        SettingNames keys = setting -> "clients.billing." + setting.name().toLowerCase(java.util.Locale.ROOT);

        TokenException e = failure(valid().settingNames(keys).clientId(null));

        assertThat(e.getMessage()).contains("set clients.billing.client_id").doesNotContain("clientId(...)");
        assertThat(valid().settingNames(keys).build().settingNames()).isSameAs(keys);
        assertThat(valid().build().settingNames()).isSameAs(SettingNames.BUILDER);
    }

    @Test
    void toStringNeverShowsTheSecret() {
        OAuthClientConfig config = valid().scope("read").build();
        assertThat(config.toString()).doesNotContain(SECRET).contains("my-client").contains("redacted");
        assertThat(config.authentication().secret().orElseThrow().toString()).doesNotContain(SECRET);
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

    @Test
    void theSourceKeyPrintsNoSecretAndNoExtraParameterValue() {
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(URI.create("https://idp.example.com/token"))
                .clientId("key-client").clientSecret("key-secret")
                .extraParameter("api_key", "extra-parameter-value-42").build();

        assertThat(config.toString()).doesNotContain("extra-parameter-value-42");
        assertThat(String.valueOf(config.sourceKey())).doesNotContain("key-secret")
                .doesNotContain("extra-parameter-value-42");
        assertThat(config.sourceKey()).isEqualTo(OAuthClientConfig.builder()
                .tokenUrl(URI.create("https://idp.example.com/token")).clientId("key-client").clientSecret("key-secret")
                .extraParameter("api_key", "extra-parameter-value-42").build().sourceKey());
    }
}
