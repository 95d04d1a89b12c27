package dev.oauthfilter.keycloak;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.KeycloakServer;
import dev.oauthfilter.testing.KeycloakTls;
import dev.oauthfilter.testing.LogCapture;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual TLS (RFC 8705) against a real Keycloak 26.4 on its HTTPS listener: the client {@code tls-client} has no
 * secret, Keycloak authenticates it by the subject of the certificate it presents ({@code tls_client_auth}) and binds
 * its access tokens to that certificate ({@code cnf.x5t#S256}); its userinfo endpoint then accepts such a token only
 * from a connection that presents the same certificate. The certificates are made by {@link KeycloakTls} at each start.
 */
class KeycloakMutualTlsIT {

    private static final String TLS_CLIENT = "tls-client";
    private static final String INTROSPECTING_API = "notes-api";
    private static final String INTROSPECTING_API_SECRET = "test-only-notes-api-secret";
    private static final List<String> ISSUED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    @RegisterExtension
    static final LogCapture LOGS = LogCapture.forbidding(dev.oauthfilter.testing.Forbidden.tokens(() -> ISSUED));

    private final TokenCache cache = TokenCache.builder().build();
    private final Client jersey = ClientBuilder.newBuilder().sslContext(KEYCLOAK.tls()
            .context(KEYCLOAK.tls().clientKeyStore())).build();

    @AfterEach
    void close() {
        jersey.close();
        cache.close();
    }

    private OAuthClientConfig.Builder tlsClient(Path keyStore) {
        return OAuthClientConfig.builder().clientId(TLS_CLIENT).clientAuthMethod(ClientAuthMethod.TLS_CLIENT_AUTH)
                .sslContext(KEYCLOAK.tls().context(keyStore));
    }

    private AccessToken issued(TokenProvider provider) {
        AccessToken token = provider.token();
        ISSUED.add(token.value());
        return token;
    }

    @Test
    void theCertificateAuthenticatesTheClientAndKeycloakBindsTheTokenToIt() throws Exception {
        AccessToken token = issued(cache.provider(tlsClient(KEYCLOAK.tls().clientKeyStore())
                .tokenUrl(KEYCLOAK.httpsTokenEndpoint()).build()));

        Map<String, Object> introspection = KEYCLOAK.httpsIntrospect(token.value(), INTROSPECTING_API,
                INTROSPECTING_API_SECRET);
        assertThat(introspection).containsEntry("active", true).containsEntry("azp", TLS_CLIENT);
        assertThat(introspection.get("cnf")).as("bound to the certificate the library presented")
                .isEqualTo(Map.of("x5t#S256", thumbprint(KEYCLOAK.tls().clientKeyStore())));
    }

    @Test
    void discoveryFindsTheTokenEndpointForMutualTls() {
        AccessToken token = issued(cache.provider(tlsClient(KEYCLOAK.tls().clientKeyStore())
                .issuer(KEYCLOAK.httpsIssuer()).build()));

        assertThat(KEYCLOAK.httpsIntrospect(token.value(), INTROSPECTING_API, INTROSPECTING_API_SECRET))
                .containsEntry("active", true).containsEntry("azp", TLS_CLIENT);
    }

    @Test
    void aTrustedCertificateOfAnotherSubjectDoesNotAuthenticateTheClient() {
        TokenProvider otherSubject = cache.provider(tlsClient(KEYCLOAK.tls().otherSubjectKeyStore())
                .tokenUrl(KEYCLOAK.httpsTokenEndpoint()).build());

        assertThatThrownBy(otherSubject::token).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR);
            assertThat(e.oauthError()).contains("invalid_client");
        });
    }

    @Test
    void aCertificateWithTheSameSubjectThatKeycloakDoesNotTrustFailsTheHandshake() {
        TokenProvider stranger = cache.provider(tlsClient(KEYCLOAK.tls().strangerKeyStore())
                .tokenUrl(KEYCLOAK.httpsTokenEndpoint()).build());

        assertThatThrownBy(stranger::token).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE));
    }

    @Test
    void aBoundTokenIsAcceptedOnlyOverAConnectionThatPresentsTheSameCertificate() throws Exception {
        AccessToken token = issued(cache.provider(tlsClient(KEYCLOAK.tls().clientKeyStore())
                .tokenUrl(KEYCLOAK.httpsTokenEndpoint()).scope("openid").build()));

        assertThat(userinfo(KEYCLOAK.tls().clientKeyStore(), token)).as("with the bound certificate").isEqualTo(200);
        assertThat(userinfo(null, token)).as("over TLS without a client certificate").isEqualTo(401);
    }

    @Test
    void theFilterOnAJaxRsClientThatPresentsTheCertificateGetsThroughEveryTime() {
        Client filtered = jersey.register(new OAuthClientFilter(cache.provider(
                tlsClient(KEYCLOAK.tls().clientKeyStore()).tokenUrl(KEYCLOAK.httpsTokenEndpoint()).scope("openid")
                        .build())));

        for (int i = 0; i < 3; i++) {
            try (Response response = filtered.target(KEYCLOAK.httpsUserinfoEndpoint()).request().get()) {
                assertThat(response.getStatus()).as("userinfo call %d", i).isEqualTo(200);
            }
        }
    }

    private static int userinfo(Path keyStore, AccessToken token) throws Exception {
        SSLContext context = KEYCLOAK.tls().context(keyStore);
        HttpClient http = HttpClient.newBuilder().sslContext(context).build();
        HttpRequest request = HttpRequest.newBuilder(KEYCLOAK.httpsUserinfoEndpoint())
                .header("Authorization", "Bearer " + token.value()).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    // RFC 8705 §3.1: base64url(SHA-256(DER of the certificate))
    private static String thumbprint(Path keyStore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, KeycloakTls.PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("client");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
