package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.EndpointLayout;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MicroProfileClientConfigsTest {

    private static final String SECRET = "mp-secret-0042";

    private static Map<String, String> minimal(String prefix) {
        Map<String, String> properties = new HashMap<>();
        properties.put(prefix + "token-url", "https://as.example.com/token");
        properties.put(prefix + "client-id", "id-" + prefix);
        properties.put(prefix + "client-secret", SECRET);
        return properties;
    }

    @Test
    void everyKeyOfTheDefaultClientIsRead() {
        Map<String, String> p = minimal("oauth.");
        p.put("oauth.client-auth-method", "client_secret_post");
        p.put("oauth.scope", "read write");
        p.put("oauth.audience", "https://api.example.com");
        p.put("oauth.resource", "urn:a,urn:b");
        p.put("oauth.params.tenant", "acme");
        p.put("oauth.connect-timeout", "2s");
        p.put("oauth.read-timeout", "1500ms");
        p.put("oauth.acquisition-timeout", "PT20S");
        p.put("oauth.refresh-before", "2m");
        p.put("oauth.default-lifetime", "1h");
        p.put("oauth.max-attempts", "5");
        p.put("oauth.retry-backoff", "50ms");
        p.put("oauth.cache-size", "7");
        p.put("oauth.failure-cooldown", "5s");
        p.put("oauth.allowed-hosts", "api.example.com,https://notes.example.com/v1");
        p.put("oauth.retry-on-unauthorized", "false");
        p.put("oauth.dpop", "true");

        OAuthClientConfig c = MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME);

        assertThat(c.endpoint().url()).isEqualTo(URI.create("https://as.example.com/token"));
        assertThat(c.authentication().clientId()).isEqualTo("id-oauth.");
        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(c.authentication().method()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(c.requestParameters().scope()).contains("read write");
        assertThat(c.requestParameters().audience()).contains("https://api.example.com");
        assertThat(c.requestParameters().resources()).containsExactly("urn:a", "urn:b");
        assertThat(c.requestParameters().extraParameters()).containsExactly(Map.entry("tenant", "acme"));
        assertThat(c.timing().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.timing().readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.timing().acquisitionTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.timing().refreshBefore()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.timing().defaultLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(c.timing().maxAttempts()).isEqualTo(5);
        assertThat(c.timing().retryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(MicroProfileClientConfigs.cacheSize(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME)).contains(7);
        assertThat(c.timing().failureCooldown()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.policy().allowedHosts()).containsExactly("api.example.com", "https://notes.example.com/v1");
        assertThat(c.policy().allows(URI.create("https://notes.example.com/v1/notes"))).isTrue();
        assertThat(c.policy().allows(URI.create("https://notes.example.com/v2/notes"))).isFalse();
        assertThat(c.policy().retryOnUnauthorized()).isFalse();
        assertThat(c.dpop().enabled()).isTrue();
    }

    @Test
    void aSecretFileIsReadOnEveryUseSoARotatedSecretIsPickedUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("client-secret");
        java.nio.file.Files.writeString(file, "first-secret\n");
        Map<String, String> p = minimal("oauth.");
        p.put("oauth.client-secret-file", file.toString());

        OAuthClientConfig c = MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME);
        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo("first-secret");
        java.nio.file.Files.writeString(file, "rotated-secret");

        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo("rotated-secret");
        assertThat(c.toString()).doesNotContain("secret\"").doesNotContain("rotated-secret");
    }

    @Test
    void anUnreadableSecretFileFailsAtBuildNamingTheFileNotItsContent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Map<String, String> p = minimal("oauth.");
        p.put("oauth.client-secret-file", dir.resolve("missing").toString());

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME));

        assertThat(e.code()).isEqualTo("MISSING_SECRET");
        assertThat(e.getMessage()).contains("missing").contains("NoSuchFileException");
    }

    @Test
    void aBadAllowedHostIsAnInvalidSetting() {
        Map<String, String> p = minimal("oauth.");
        p.put("oauth.allowed-hosts", "ftp://files.example.com");

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("oauth.allowed-hosts");
    }

    @Test
    void aNamedClientReadsOnlyItsOwnPrefixedKeys() {
        Map<String, String> p = minimal("oauth.");
        p.putAll(minimal("oauth.billing."));
        p.put("oauth.billing.scope", "invoices");
        p.put("oauth.scope", "default-scope");

        OAuthClientConfig billing = MicroProfileClientConfigs.read(TestConfigs.of(p), "billing");

        assertThat(billing.name()).isEqualTo("billing");
        assertThat(billing.authentication().clientId()).isEqualTo("id-oauth.billing.");
        assertThat(billing.requestParameters().scope()).contains("invoices");
    }

    @Test
    void environmentVariablesWorkThroughTheUsualMappingAndWinOverTheFile() {
        Map<String, String> p = minimal("oauth.");
        p.put("oauth.client-secret", "from-file");
        Map<String, String> env = Map.of("OAUTH_CLIENT_SECRET", SECRET, "OAUTH_BILLING_CLIENT_ID", "env-billing",
                "OAUTH_BILLING_CLIENT_SECRET", SECRET, "OAUTH_BILLING_TOKEN_URL", "https://b.example.com/t");

        OAuthClientConfig c = MicroProfileClientConfigs.read(TestConfigs.of(p, env), OAuthClientConfig.DEFAULT_NAME);
        OAuthClientConfig billing = MicroProfileClientConfigs.read(TestConfigs.of(p, env), "billing");

        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(billing.authentication().clientId()).isEqualTo("env-billing");
    }

    @Test
    void aMissingKeyIsReportedWithTheKeyToSet() {
        Map<String, String> p = minimal("oauth.shop.");
        p.remove("oauth.shop.client-id");

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> MicroProfileClientConfigs.read(TestConfigs.of(p), "shop"));

        assertThat(e.code()).isEqualTo("MISSING_CLIENT_ID");
        assertThat(e.getMessage()).contains("oauth.shop.client-id", "OAUTH_SHOP_CLIENT_ID");
    }

    @Test
    void withoutAnEndpointMissingServerUrlListsEveryKeyAndTheServiceBinding() {
        Map<String, String> p = minimal("oauth.");
        p.remove("oauth.token-url");

        TokenException e = read(p);

        assertThat(e.code()).isEqualTo("MISSING_SERVER_URL");
        assertThat(e.getMessage()).contains("oauth.token-url (OAUTH_TOKEN_URL)", "oauth.issuer", "oauth.server-url",
                "oauth.tenant-id", "oauth.oauth-server-url", "VCAP_SERVICES").doesNotContain("(...)");
    }

    @Test
    void theBuildChecksNameTheKeysOfTheClient() {
        Map<String, String> mca = minimal("oauth.shop.");
        mca.remove("oauth.shop.token-url");
        mca.put("oauth.shop.server-url", "https://mca.example.com/imf");
        assertThat(read(mca, "shop").getMessage()).contains("oauth.shop.tenant-id (OAUTH_SHOP_TENANT_ID)");

        Map<String, String> plain = minimal("oauth.");
        plain.put("oauth.token-url", "http://as.example.com/token");
        assertThat(read(plain).getMessage())
                .contains("set oauth.allow-insecure-http (OAUTH_ALLOW_INSECURE_HTTP) to true");

        Map<String, String> relative = minimal("oauth.");
        relative.put("oauth.token-url", "/relative");
        assertThat(read(relative).getMessage()).contains("oauth.token-url (OAUTH_TOKEN_URL) must be an absolute");

        Map<String, String> timeout = minimal("oauth.");
        timeout.put("oauth.read-timeout", "0s");
        assertThat(read(timeout).getMessage())
                .contains("oauth.read-timeout (OAUTH_READ_TIMEOUT) must be a positive duration");

        Map<String, String> attempts = minimal("oauth.");
        attempts.put("oauth.max-attempts", "0");
        assertThat(read(attempts).getMessage()).contains("oauth.max-attempts (OAUTH_MAX_ATTEMPTS) must be at least 1");

        Map<String, String> keyless = minimal("oauth.");
        keyless.remove("oauth.client-secret");
        keyless.put("oauth.client-auth-method", "private_key_jwt");
        TokenException noKey = read(keyless);
        assertThat(noKey.code()).isEqualTo("MISSING_CLIENT_KEY");
        assertThat(noKey.getMessage()).contains("oauth.private-key-file (OAUTH_PRIVATE_KEY_FILE)", "oauth.key-store",
                "oauth.client-assertion-file").doesNotContain("(...)");
    }

    private static TokenException read(Map<String, String> properties) {
        return read(properties, OAuthClientConfig.DEFAULT_NAME);
    }

    private static TokenException read(Map<String, String> properties, String name) {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> MicroProfileClientConfigs.read(TestConfigs.of(properties), name));
        assertThat(e).as("a TokenException").isNotNull();
        return e;
    }

    @Test
    void badValuesAreInvalidSettingsNamingTheKeyAndValue() {
        for (Map.Entry<String, String> bad : List.of(Map.entry("oauth.read-timeout", "10 parsecs"),
                Map.entry("oauth.max-attempts", "many"), Map.entry("oauth.allow-insecure-http", "yes"),
                Map.entry("oauth.client-auth-method", "kerberos"), Map.entry("oauth.token-url", "ht tp://x"))) {
            Map<String, String> p = minimal("oauth.");
            p.put(bad.getKey(), bad.getValue());

            TokenException e = catchThrowableOfType(TokenException.class,
                    () -> MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME));

            assertThat(e.code()).as(bad.getKey()).isEqualTo("INVALID_SETTING");
            assertThat(e.getMessage()).as(bad.getKey()).doesNotContain(SECRET);
        }
    }

    @Test
    void aCacheSizeBelowOneIsAnInvalidSettingNamingTheKeyWhenTheClientIsRead() {
        Map<String, String> p = minimal("oauth.billing.");
        p.put("oauth.billing.cache-size", "0");

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> MicroProfileClientConfigs.read(TestConfigs.of(p), "billing"));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("oauth.billing.cache-size must be at least 1, was 0");
    }

    @Test
    void aServerUrlAndTenantIdGiveTheMcaLayout() {
        Map<String, String> p = minimal("oauth.");
        p.remove("oauth.token-url");
        p.put("oauth.server-url", "https://mca.example.com/imf-authserver");
        p.put("oauth.tenant-id", "t-1");

        OAuthClientConfig c = MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME);

        assertThat(c.endpoint().layout()).isEqualTo(EndpointLayout.MCA);
        assertThat(c.endpoint().url())
                .isEqualTo(URI.create("https://mca.example.com/imf-authserver/authorization/v1/apps/t-1/token"));
    }

    @Test
    void aConfigOfTheCallersOwnIsReadThroughTheApiAsTheApplicationsIs() {
        var config = TestConfigs.of(Map.of(
                "oauth.billing.token-url", "https://idp.example.com/token",
                "oauth.billing.client-id", "billing-app",
                "oauth.billing.client-secret", "billing-secret-7",
                "oauth.billing.scope", "invoices"));

        OAuthClientConfig read = OAuthClientConfig.fromMicroProfileConfig(config, "billing");

        assertThat(read.name()).isEqualTo("billing");
        assertThat(read.sourceKey()).isEqualTo(MicroProfileClientConfigs.read(config, "billing").sourceKey());
        assertThat(read.requestParameters().scope()).contains("invoices");
        TokenException missing = catchThrowableOfType(TokenException.class,
                () -> OAuthClientConfig.fromMicroProfileConfig(TestConfigs.of(Map.of(
                        "oauth.billing.token-url", "https://idp.example.com/token")), "billing"));
        assertThat(missing.code()).isEqualTo("MISSING_CLIENT_ID");
        assertThat(missing.getMessage()).contains("oauth.billing.client-id").contains("OAUTH_BILLING_CLIENT_ID");
    }
}
