package dev.oauthfilter.keycloak;

import dev.oauthfilter.internal.clients.BoundedTokenCache;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.RequestAuthorization;
import dev.oauthfilter.Secret;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.KeycloakServer;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.TestKeys;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP (RFC 9449) and token exchange (RFC 8693) against a real Keycloak 26.4, through the public API: Keycloak binds
 * the token to the library's key and its userinfo endpoint checks every proof; Keycloak's standard token exchange
 * gives a token for another audience. The clients are in {@code src/test/resources/keycloak/oauth-filter-realm.json}.
 */
class KeycloakDPoPAndExchangeIT {

    private static final String DPOP_CLIENT = "dpop-bound";
    private static final String DPOP_SECRET = "test-only-dpop-bound-secret";
    private static final String SUBJECT_CLIENT = "secret-post";
    private static final String SUBJECT_SECRET = "test-only post secret: +/=&%\u00e9";
    private static final String EXCHANGER = "token-exchanger";
    private static final String EXCHANGER_SECRET = "test-only-token-exchanger-secret";
    private static final String INTROSPECTING_API = "notes-api";
    private static final String INTROSPECTING_API_SECRET = "test-only-notes-api-secret";
    private static final List<String> ISSUED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    @RegisterExtension
    static final LogCapture LOGS = LogCapture.forbidding(Forbidden.secret(DPOP_CLIENT, DPOP_SECRET),
            Forbidden.secret(SUBJECT_CLIENT, SUBJECT_SECRET), Forbidden.secret(EXCHANGER, EXCHANGER_SECRET),
            Forbidden.tokens(() -> ISSUED));

    private final TokenCache cache = TokenCache.builder().build();
    private final Client jersey = ClientBuilder.newClient();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        jersey.close();
        cache.close();
    }

    private TokenProvider dpopClient() {
        return cache.provider(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint()).clientId(DPOP_CLIENT)
                .clientSecret(DPOP_SECRET).scope("openid").dpop(true).build());
    }

    private int userinfo(Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(KEYCLOAK.userinfoEndpoint()).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void keycloakBindsTheTokenToTheKeyAndAcceptsItOnlyWithAProofForThatRequest() throws Exception {
        TokenProvider tokens = dpopClient();
        AccessToken token = tokens.token();
        ISSUED.add(token.value());
        assertThat(token.tokenType()).isEqualTo("DPoP");

        assertThat(userinfo(tokens.authorization("GET", KEYCLOAK.userinfoEndpoint()).headers()))
                .as("with its proof").isEqualTo(200);
        assertThat(userinfo(Map.of("Authorization", "Bearer " + token.value())))
                .as("the same token as a plain Bearer token").isEqualTo(401);
        URI elsewhere = KEYCLOAK.introspectionEndpoint();
        RequestAuthorization forAnotherUri = tokens.authorization("GET", elsewhere);
        assertThat(userinfo(forAnotherUri.headers())).as("with a proof made for another URI").isEqualTo(401);
        RequestAuthorization forPost = tokens.authorization("POST", KEYCLOAK.userinfoEndpoint());
        assertThat(userinfo(forPost.headers())).as("with a proof made for another method").isEqualTo(401);
    }

    @Test
    void withAConfiguredKeyKeycloakBindsTheTokensOfEveryReplicaToThatKey(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("dpop.p12");
        TestKeys.ecKeyStore(store, "dpop-key", "dpop-store-pw");
        ClientKey key = ClientKey.fromKeyStore(store, Secret.of("dpop-store-pw"), null, "PKCS12");
        OAuthClientConfig keyed = OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint()).clientId(DPOP_CLIENT)
                .clientSecret(DPOP_SECRET).scope("openid").dpopKey(key).build();
        TokenProvider tokens = cache.provider(keyed);
        AccessToken token = tokens.token();
        ISSUED.add(token.value());

        String thumbprint = new ECKey.Builder(Curve.P_256, (ECPublicKey) key.certificateChain().get(0).getPublicKey())
                .build().computeThumbprint().toString();
        assertThat(KEYCLOAK.introspect(token.value(), INTROSPECTING_API, INTROSPECTING_API_SECRET).get("cnf"))
                .isEqualTo(Map.of("jkt", thumbprint));
        assertThat(userinfo(tokens.authorization("GET", KEYCLOAK.userinfoEndpoint()).headers())).isEqualTo(200);
        try (TokenCache anotherReplica = TokenCache.builder().build()) {
            AccessToken theirs = anotherReplica.provider(keyed).token();
            ISSUED.add(theirs.value());
            assertThat(KEYCLOAK.introspect(theirs.value(), INTROSPECTING_API, INTROSPECTING_API_SECRET).get("cnf"))
                    .as("another replica holding the key: its token is bound to the same key")
                    .isEqualTo(Map.of("jkt", thumbprint));
        }
    }

    @Test
    void theFilterSendsEveryRequestWithAFreshProof() {
        Client filtered = jersey.register(new OAuthClientFilter(dpopClient()));

        for (int i = 0; i < 3; i++) {
            try (Response response = filtered.target(KEYCLOAK.userinfoEndpoint()).request().get()) {
                assertThat(response.getStatus()).as("userinfo call %d", i).isEqualTo(200);
            }
        }
    }

    @Test
    void keycloaksStandardTokenExchangeGivesATokenForTheConfiguredAudienceOncePerIncomingToken() {
        AccessToken incoming = cache.provider(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint())
                .clientId(SUBJECT_CLIENT).clientSecret(SUBJECT_SECRET)
                .clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).build()).token();
        ISSUED.add(incoming.value());
        var exchange = ((BoundedTokenCache) cache).exchange(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint())
                .clientId(EXCHANGER).clientSecret(EXCHANGER_SECRET).audience(INTROSPECTING_API).build());

        AccessToken exchanged = exchange.exchange(incoming.value());
        ISSUED.add(exchanged.value());

        assertThat(exchanged.value()).isNotEqualTo(incoming.value());
        assertThat(exchange.exchange(incoming.value())).as("cached per incoming token").isSameAs(exchanged);
        Map<String, Object> introspection = KEYCLOAK.introspect(exchanged.value(), INTROSPECTING_API,
                INTROSPECTING_API_SECRET);
        assertThat(introspection).containsEntry("active", true).containsEntry("azp", EXCHANGER);
        assertThat(String.valueOf(introspection.get("aud"))).contains(INTROSPECTING_API);
    }
}
