package dev.oauthfilter.config;

import dev.oauthfilter.EndpointLayout;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.TestConfigs;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VcapServicesConfigSourceTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = VcapServicesConfigSourceTest.class.getResourceAsStream("/vcap/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static OAuthClientConfig read(Map<String, String> properties, Map<String, String> env) {
        return MicroProfileClientConfigs.read(TestConfigs.of(properties, Map.of(), new VcapServicesConfigSource(env)),
                OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void anMcaBindingConfiguresTheDefaultClientLikeTheSeedSdk() throws IOException {
        OAuthClientConfig c = read(Map.of(), Map.of("VCAP_SERVICES", resource("mca-services.json")));

        assertThat(c.layout()).isEqualTo(EndpointLayout.MCA);
        assertThat(c.tokenEndpoint()).isEqualTo(URI.create(
                "https://imf-authserver.example.com/imf-authserver/authorization/v1/apps/mca-tenant-guid/token"));
        assertThat(c.clientId()).isEqualTo("mca-client-id");
        assertThat(c.clientSecret().orElseThrow().reveal()).isEqualTo("vcap-mca-secret-1234");
    }

    @Test
    void anAppIdBindingConfiguresTheAppIdLayout() throws IOException {
        OAuthClientConfig c = read(Map.of(), Map.of("VCAP_SERVICES", resource("appid-services.json")));

        assertThat(c.layout()).isEqualTo(EndpointLayout.APP_ID);
        assertThat(c.tokenEndpoint())
                .isEqualTo(URI.create("https://us-south.appid.example.com/oauth/v4/appid-tenant/token"));
        assertThat(c.clientId()).isEqualTo("appid-client-id");
    }

    @Test
    void explicitSettingsWinOverTheBinding() throws IOException {
        OAuthClientConfig c = read(Map.of("oauth.client-id", "explicit-id", "oauth.token-url",
                "https://keycloak.example.com/token"), Map.of("VCAP_SERVICES", resource("mca-services.json")));

        assertThat(c.clientId()).isEqualTo("explicit-id");
        assertThat(c.layout()).isEqualTo(EndpointLayout.TOKEN_URL);
        assertThat(c.clientSecret().orElseThrow().reveal()).isEqualTo("vcap-mca-secret-1234");
    }

    @Test
    void theApplicationIdIsTheTenantWhenTheCredentialsHaveNone() {
        String services = "{\"AdvancedMobileAccess\":[{\"credentials\":{\"serverUrl\":\"https://mca.example.com\","
                + "\"clientId\":\"c\",\"secret\":\"s\"}}]}";
        String application = "{\"application_id\":\"app-guid-1\",\"name\":\"notes\"}";

        OAuthClientConfig c = read(Map.of(), Map.of("VCAP_SERVICES", services, "VCAP_APPLICATION", application));

        assertThat(c.tokenEndpoint())
                .isEqualTo(URI.create("https://mca.example.com/authorization/v1/apps/app-guid-1/token"));
    }

    @Test
    void noMatchingServiceGivesNoKeys() {
        VcapServicesConfigSource source = new VcapServicesConfigSource(
                Map.of("VCAP_SERVICES", "{\"cloudantNoSQLDB\":[{\"credentials\":{\"url\":\"x\"}}]}"));

        assertThat(source.getPropertyNames()).isEmpty();
        assertThat(source.getOrdinal()).isLessThan(100);
    }

    @Test
    void malformedJsonIsAClearErrorNamingTheVariableWithoutQuotingIt() {
        String broken = "{\"AdvancedMobileAccess\":[{\"credentials\":{\"secret\":\"broken-secret-99\"";

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> new VcapServicesConfigSource(Map.of("VCAP_SERVICES", broken)));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("VCAP_SERVICES").contains("not valid JSON")
                .doesNotContain("broken-secret-99");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void aServiceWithoutCredentialsIsAnError() {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> new VcapServicesConfigSource(Map.of("VCAP_SERVICES", "{\"AppID\":[{\"name\":\"x\"}]}")));

        assertThat(e.getMessage()).contains("AppID").contains("credentials");
    }

    @Test
    void itIsRegisteredForServiceLoaderDiscovery() {
        assertThat(ServiceLoader.load(ConfigSource.class).stream().map(p -> p.type().getName()))
                .contains(VcapServicesConfigSource.class.getName());
    }
}
