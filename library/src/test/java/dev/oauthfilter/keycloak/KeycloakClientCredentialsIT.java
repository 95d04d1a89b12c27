package dev.oauthfilter.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.KeycloakServer;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TestKeys;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The client-credentials grant against a real Keycloak 26.4 ({@link KeycloakServer}), through the library's public
 * API only: every client authentication method Keycloak knows, the token endpoint found by discovery, and the filter
 * on a Jersey client. Keycloak itself is the judge: its introspection endpoint calls the token active for the right
 * client, its userinfo endpoint accepts it. The clients are in {@code src/test/resources/keycloak/oauth-filter-realm.json}.
 */
class KeycloakClientCredentialsIT {

    // test-only values of the realm file; the first two hold characters that RFC 6749 §2.3.1 form-encodes in Basic
    // credentials (and that Keycloak decodes)
    private static final String BASIC_SECRET = "test-only basic secret: +/=&%\u00e9";
    private static final String POST_SECRET = "test-only post secret: +/=&%\u00e9";
    private static final String JWT_SECRET = "test-only-client-secret-jwt-0123456789abcdef";
    private static final String INTROSPECTING_API = "notes-api";
    private static final String INTROSPECTING_API_SECRET = "test-only-notes-api-secret";
    private static final String WRONG_SECRET = "test-only wrong secret: +/=&%\u00e9";
    private static final String EC_KEY_ID = "oauth-filter-test-ec";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ISSUED = new CopyOnWriteArrayList<>();
    private static final RealmClient SECRET_BASIC = new RealmClient("secret-basic",
            ClientAuthMethod.CLIENT_SECRET_BASIC, b -> b.clientSecret(BASIC_SECRET));

    @RegisterExtension
    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    @RegisterExtension
    static final LogCapture LOGS = LogCapture.forbidding(Forbidden.secret("secret-basic", BASIC_SECRET),
            Forbidden.secret("secret-basic", WRONG_SECRET), Forbidden.secret("secret-post", POST_SECRET),
            Forbidden.secret("secret-jwt", JWT_SECRET), Forbidden.tokens(() -> ISSUED));

    private final TokenCache cache = TokenCache.builder().build();
    private final Client jersey = ClientBuilder.newClient();

    static Stream<RealmClient> clients() {
        return Stream.of(SECRET_BASIC,
                new RealmClient("secret-post", ClientAuthMethod.CLIENT_SECRET_POST, b -> b.clientSecret(POST_SECRET)),
                new RealmClient("secret-jwt", ClientAuthMethod.CLIENT_SECRET_JWT, b -> b.clientSecret(JWT_SECRET)),
                new RealmClient("private-key-jwt-rsa", ClientAuthMethod.PRIVATE_KEY_JWT,
                        b -> b.clientKey(ClientKey.fromPem(resource("private-key-jwt-rsa.pem"), null))),
                new RealmClient("private-key-jwt-ec", ClientAuthMethod.PRIVATE_KEY_JWT,
                        b -> b.clientKey(ClientKey.fromPem(resource("private-key-jwt-ec.pem"), null)
                                .withKeyId(EC_KEY_ID))));
    }

    static Stream<RealmClient> discoveringClients() {
        return clients().filter(client -> client.id.equals("secret-basic") || client.id.equals("private-key-jwt-rsa"));
    }

    @AfterEach
    void close() {
        jersey.close();
        cache.close();
        TokenCache.shared().close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void keycloakIssuesAnActiveTokenToTheClientForEachAuthenticationMethod(RealmClient client) {
        // a default lifetime far from Keycloak's 300 s: the expiry below can only come from Keycloak's answer
        OAuthClientConfig config = client.configure(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint()))
                .defaultLifetime(Duration.ofHours(1)).build();

        AccessToken token = issued(cache.provider(config).token());

        Map<String, Object> introspection = KEYCLOAK.introspect(token.value(), INTROSPECTING_API,
                INTROSPECTING_API_SECRET);
        assertThat(introspection).containsEntry("active", true).containsEntry("client_id", client.id)
                .containsEntry("azp", client.id).containsEntry("iss", KEYCLOAK.issuer().toString());
        assertThat(token.tokenType()).isEqualToIgnoringCase("Bearer");
        // expires_in (whole seconds, 299 or 300) counted from when the answer arrived: the token's own exp, give or
        // take the truncation and the request's latency
        Instant exp = Instant.ofEpochSecond(((Number) introspection.get("exp")).longValue());
        assertThat(token.expiresAt()).isBetween(exp.minusSeconds(5), exp.plusSeconds(5));
        assertThat(cache.provider(config).token().value()).as("cached").isEqualTo(token.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("discoveringClients")
    void theTokenEndpointIsFoundByDiscoveryAndUserinfoAcceptsTheToken(RealmClient client) throws IOException {
        OAuthClientConfig config = client.configure(OAuthClientConfig.builder().issuer(KEYCLOAK.issuer()))
                .scope("openid").build();

        AccessToken token = issued(cache.provider(config).token());

        assertThat(token.scope()).hasValueSatisfying(scope -> assertThat(scope.split(" ")).contains("openid"));
        try (Response userinfo = jersey.target(KEYCLOAK.userinfoEndpoint()).request()
                .header("Authorization", token.authorizationHeader()).get()) {
            assertThat(userinfo.getStatus()).isEqualTo(200);
            assertThat(JSON.readTree(userinfo.readEntity(String.class)).path("preferred_username").asText())
                    .isEqualTo("service-account-" + client.id);
        }
    }

    @Test
    void theFilterAuthorizesJerseyRequestsThatKeycloakRequiresATokenFor() throws IOException {
        OAuthClientConfig config = SECRET_BASIC.configure(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint()))
                .scope("openid")
                .allowedHost(KEYCLOAK.issuer().resolve("/").toString()).build();
        TokenProvider tokens = TokenProvider.of(config);
        try (Response withoutToken = jersey.target(KEYCLOAK.userinfoEndpoint()).request().get()) {
            assertThat(withoutToken.getStatus()).as("userinfo without a token").isEqualTo(401);
        }
        jersey.register(new OAuthClientFilter(tokens));

        for (int request = 0; request < 2; request++) {
            try (Response userinfo = jersey.target(KEYCLOAK.userinfoEndpoint()).request().get()) {
                assertThat(userinfo.getStatus()).isEqualTo(200);
                assertThat(JSON.readTree(userinfo.readEntity(String.class)).path("preferred_username").asText())
                        .isEqualTo("service-account-secret-basic");
            }
        }
        assertThat(KEYCLOAK.introspect(issued(tokens.token()).value(), INTROSPECTING_API, INTROSPECTING_API_SECRET))
                .containsEntry("active", true).containsEntry("client_id", "secret-basic");
    }

    @Test
    void aWrongSecretIsATokenEndpointErrorThatNamesNoSecret() {
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint())
                .clientId("secret-basic").clientSecret(WRONG_SECRET).build();

        TokenException failure = catchThrowableOfType(TokenException.class, () -> cache.provider(config).token());

        assertThat(failure.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR);
        assertThat(failure.httpStatus()).isEqualTo(401);
        assertThat(failure.oauthError()).hasValue("unauthorized_client");
        assertThat(failure.isRetryable()).isFalse();
        Secrets.assertNotInChain(failure, List.of(WRONG_SECRET, BASIC_SECRET));
        assertThat(LOGS.lines()).as("the failure is logged").anyMatch(line -> line.contains("TOKEN_ENDPOINT_ERROR")
                || line.contains("unauthorized_client"));
    }

    @Test
    void aKeyKeycloakDoesNotKnowIsATokenEndpointError() throws Exception {
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint())
                .clientId("private-key-jwt-rsa").clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                .clientKey(ClientKey.of(TestKeys.rsa().getPrivate(), List.of())).build();

        TokenException failure = catchThrowableOfType(TokenException.class, () -> cache.provider(config).token());

        // 400 invalid_client here, where a wrong secret gets 401 unauthorized_client
        assertThat(failure.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR);
        assertThat(failure.httpStatus()).isEqualTo(400);
        assertThat(failure.oauthError()).hasValue("invalid_client");
        assertThat(failure.isRetryable()).isFalse();
    }

    private static AccessToken issued(AccessToken token) {
        ISSUED.add(token.value());
        return token;
    }

    private static Path resource(String name) {
        try {
            return Path.of(KeycloakClientCredentialsIT.class.getResource("/keycloak/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of the realm and how the library is configured to authenticate as it. */
    static final class RealmClient {
        final String id;
        final ClientAuthMethod method;
        final UnaryOperator<OAuthClientConfig.Builder> credentials;

        RealmClient(String id, ClientAuthMethod method, UnaryOperator<OAuthClientConfig.Builder> credentials) {
            this.id = id;
            this.method = method;
            this.credentials = credentials;
        }

        OAuthClientConfig.Builder configure(OAuthClientConfig.Builder builder) {
            return credentials.apply(builder.clientId(id).clientAuthMethod(method));
        }

        @Override
        public String toString() {
            return method.name().toLowerCase(Locale.ROOT) + " (" + id + ")";
        }
    }
}
