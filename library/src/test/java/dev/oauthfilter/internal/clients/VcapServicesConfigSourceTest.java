package dev.oauthfilter.internal.clients;

import dev.oauthfilter.EndpointLayout;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TestConfigs;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class VcapServicesConfigSourceTest {

    /** Planted in every hostile input: it must reach neither an exception chain nor a log line. */
    private static final String SECRET = "vcap-leak-me-7731";
    private static final String BOUND_WITHOUT_TENANT = "{\"AppID\":[{\"credentials\":{\"clientId\":\"c\","
            + "\"secret\":\"s\",\"oauthServerUrl\":\"https://appid.example.com/oauth/v4/t\"}}]}";

    @RegisterExtension
    final LogCapture logs = LogCapture.forbidding(() -> List.of(SECRET));

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

        assertThat(c.endpoint().layout()).isEqualTo(EndpointLayout.MCA);
        assertThat(c.endpoint().url()).isEqualTo(URI.create(
                "https://imf-authserver.example.com/imf-authserver/authorization/v1/apps/mca-tenant-guid/token"));
        assertThat(c.authentication().clientId()).isEqualTo("mca-client-id");
        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo("vcap-mca-secret-1234");
    }

    @Test
    void anAppIdBindingConfiguresTheAppIdLayout() throws IOException {
        OAuthClientConfig c = read(Map.of(), Map.of("VCAP_SERVICES", resource("appid-services.json")));

        assertThat(c.endpoint().layout()).isEqualTo(EndpointLayout.APP_ID);
        assertThat(c.endpoint().url())
                .isEqualTo(URI.create("https://us-south.appid.example.com/oauth/v4/appid-tenant/token"));
        assertThat(c.authentication().clientId()).isEqualTo("appid-client-id");
    }

    @Test
    void explicitSettingsWinOverTheBinding() throws IOException {
        OAuthClientConfig c = read(Map.of("oauth.client-id", "explicit-id", "oauth.token-url",
                "https://keycloak.example.com/token"), Map.of("VCAP_SERVICES", resource("mca-services.json")));

        assertThat(c.authentication().clientId()).isEqualTo("explicit-id");
        assertThat(c.endpoint().layout()).isEqualTo(EndpointLayout.TOKEN_URL);
        assertThat(c.authentication().secret().orElseThrow().reveal()).isEqualTo("vcap-mca-secret-1234");
    }

    @Test
    void theApplicationIdIsTheTenantWhenTheCredentialsHaveNone() {
        String services = "{\"AdvancedMobileAccess\":[{\"credentials\":{\"serverUrl\":\"https://mca.example.com\","
                + "\"clientId\":\"c\",\"secret\":\"s\"}}]}";
        String application = "{\"application_id\":\"app-guid-1\",\"name\":\"notes\"}";

        OAuthClientConfig c = read(Map.of(), Map.of("VCAP_SERVICES", services, "VCAP_APPLICATION", application));

        assertThat(c.endpoint().url())
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

    @ParameterizedTest
    @MethodSource("malformedServices")
    void anyMalformedServicesIsAStartupErrorNamingTheVariableWithoutQuotingIt(String services) {
        TokenException e = startupError(Map.of("VCAP_SERVICES", services));

        assertThat(e.getMessage()).contains("VCAP_SERVICES");
    }

    @ParameterizedTest
    @MethodSource("malformedApplications")
    void anyMalformedApplicationIsAStartupErrorNamingTheVariableWithoutQuotingIt(String application) {
        TokenException e = startupError(Map.of("VCAP_SERVICES", BOUND_WITHOUT_TENANT, "VCAP_APPLICATION", application));

        assertThat(e.getMessage()).contains("VCAP_APPLICATION");
    }

    @ParameterizedTest
    @MethodSource("badlyShapedBindings")
    void aBindingOfTheWrongShapeIsAStartupErrorThatDoesNotQuoteIt(String services) {
        TokenException e = startupError(Map.of("VCAP_SERVICES", services));

        assertThat(e.getMessage()).contains("VCAP_SERVICES");
    }

    @Test
    void nullCredentialsAreAbsentNotTheTextNull() {
        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES",
                "{\"AppID\":[{\"credentials\":{\"clientId\":\"c\",\"secret\":null,\"tenantId\":null}}]}"));

        assertThat(source.getProperties()).containsExactly(Map.entry("oauth.client-id", "c"));
    }

    @Test
    void aLabelFieldThatIsNotAStringDoesNotMatter() {
        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES",
                "{\"other\":7,\"AppID\":{\"label\":[1],\"credentials\":{\"clientId\":\"c\"}}}"));

        assertThat(source.getProperties()).containsExactly(Map.entry("oauth.client-id", "c"));
    }

    @Test
    void anEmptyServicesObjectGivesNoKeys() {
        assertThat(new VcapServicesConfigSource(Map.of("VCAP_SERVICES", "{}", "VCAP_APPLICATION", "{}"))
                .getPropertyNames()).isEmpty();
    }

    @Test
    void theCredentialsTenantWinsOverTheApplicationId() {
        String services = "{\"AppID\":[{\"credentials\":{\"tenantId\":\"bound-tenant\"}}]}";

        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES", services,
                "VCAP_APPLICATION", "{\"application_id\":\"app-guid-1\"}"));

        assertThat(source.getValue("oauth.tenant-id")).isEqualTo("bound-tenant");
    }

    @Test
    void aBlankCredentialsTenantFallsBackToTheApplicationId() {
        String services = "{\"AppID\":[{\"credentials\":{\"tenantId\":\"  \"}}]}";

        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES", services,
                "VCAP_APPLICATION", "{\"application_id\":\"app-guid-1\"}"));

        assertThat(source.getValue("oauth.tenant-id")).isEqualTo("app-guid-1");
    }

    @Test
    void theApplicationIsNotReadWhenTheCredentialsNameTheTenant() {
        String services = "{\"AppID\":[{\"credentials\":{\"tenantId\":\"bound-tenant\"}}]}";

        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES", services,
                "VCAP_APPLICATION", "not json " + SECRET));

        assertThat(source.getValue("oauth.tenant-id")).isEqualTo("bound-tenant");
    }

    @Test
    void aNullApplicationIdLeavesTheTenantUnset() {
        VcapServicesConfigSource source = new VcapServicesConfigSource(Map.of("VCAP_SERVICES", BOUND_WITHOUT_TENANT,
                "VCAP_APPLICATION", "{\"application_id\":null}"));

        assertThat(source.getPropertyNames()).doesNotContain("oauth.tenant-id");
    }

    private static TokenException startupError(Map<String, String> env) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> new VcapServicesConfigSource(env));

        assertThat(e).as("a TokenException").isNotNull();
        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        Secrets.assertNotInChain(e, List.of(SECRET));
        return e;
    }

    static Stream<String> malformedJson() {
        String secret = "\"" + SECRET + "\"";
        return Stream.of(SECRET, "{\"secret\":" + secret, "{\"secret\":" + secret + "} trailing " + SECRET,
                "{\"secret\":" + secret + "}{}", "{\"secret\":\"\\u12 " + SECRET + "\"}", "{'secret':'" + SECRET + "'}",
                "{\"a\":" + "[".repeat(2000) + secret + "]".repeat(2000) + "}",
                "{\"secret\":" + secret + ",\"a\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2001),
                "{\"secret\":" + secret + ",\"n\":" + "7".repeat(1500) + "}",
                "{\"secret\":" + secret + ",\"n\":0." + "7".repeat(1500) + "}",
                "[" + secret + "]", secret, "null", "42", "true", "[]");
    }

    static Stream<String> malformedServices() {
        return malformedJson();
    }

    static Stream<String> malformedApplications() {
        return malformedJson();
    }

    static Stream<String> badlyShapedBindings() {
        String secret = "\"" + SECRET + "\"";
        return Stream.of("{\"AppID\":[]}", "{\"AppID\":null}", "{\"AppID\":" + secret + "}", "{\"AppID\":[null]}",
                "{\"AppID\":[[" + secret + "]]}", "{\"AppID\":[{\"credentials\":" + secret + "}]}",
                "{\"AppID\":[{\"credentials\":[" + secret + "]}]}", "{\"AppID\":[{\"credentials\":null}]}",
                "{\"AppID-" + SECRET + "\":[{}]}", "{\"AdvancedMobileAccess\":[{\"credentials\":{\"secret\":7"
                        + "7".repeat(900) + "}}]}",
                "{\"AppID\":[{\"credentials\":{\"secret\":{\"value\":" + secret + "}}}]}",
                "{\"AppID\":[{\"credentials\":{\"clientId\":[" + secret + "]}}]}");
    }
}
