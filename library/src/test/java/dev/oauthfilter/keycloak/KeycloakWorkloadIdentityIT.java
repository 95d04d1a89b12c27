package dev.oauthfilter.keycloak;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.KeycloakServer;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workload identity against a real Keycloak 26.4: a client with no secret of its own authenticates with a Kubernetes
 * projected service-account token that the library reads from its file ({@code client-assertion-file}) at every token
 * request, through Keycloak's federated client authentication (preview features {@code client-auth-federated} and
 * {@code kubernetes-service-accounts}). The "cluster" is this test: it issues the service-account tokens with its own
 * RSA key and serves that key's JWKS where the realm's Kubernetes identity provider fetches it; the provider and the
 * client are created through the admin API, because the JWKS URL has this test's port in it.
 * <p>
 * What Keycloak asks, learnt here: the assertion's audience is the realm's issuer, alone; {@code client_id}, when sent,
 * must equal the assertion's subject (so the library's {@code client-id} is the service account's subject, and the
 * Keycloak client is found by its {@code jwt.credential.sub}); an assertion issued more than 300 s before it is
 * presented is refused, whatever its {@code exp}.
 */
class KeycloakWorkloadIdentityIT {

    private static final String KUBERNETES_ISSUER = "https://kubernetes.default.svc.oauth-filter.test";
    private static final String SUBJECT = "system:serviceaccount:apps:notes-backend";
    private static final String KEYCLOAK_CLIENT = "k8s-notes-backend";
    private static final String INTROSPECTING_API = "notes-api";
    private static final String INTROSPECTING_API_SECRET = "test-only-notes-api-secret";
    private static final List<String> ISSUED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    @RegisterExtension
    static final LogCapture LOGS = LogCapture.forbidding(Forbidden.tokens(() -> ISSUED));

    private static RSAKey clusterKey;
    private static HttpServer jwks;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final TokenCache cache = TokenCache.builder().clock(clock).build();

    @BeforeAll
    static void aClusterKeycloakTrusts() throws Exception {
        clusterKey = new RSAKeyGenerator(2048).keyID("cluster-signing-key").generate();
        byte[] keySet = new JWKSet(clusterKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/openid/v1/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(200, keySet.length);
            exchange.getResponseBody().write(keySet);
            exchange.close();
        });
        jwks.start();
        String jwksUrl = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/openid/v1/jwks";
        KEYCLOAK.create("identity-provider/instances", """
                {"alias": "test-kubernetes", "providerId": "oidc", "enabled": true, "hideOnLogin": true,
                 "config": {"issuer": "%s", "useJwksUrl": "true", "jwksUrl": "%s", "validateSignature": "true",
                            "supportsClientAssertions": "true", "supportsClientAssertionReuse": "true",
                            "authorizationUrl": "%s", "tokenUrl": "%s", "clientId": "unused",
                            "clientSecret": "unused", "clientAuthMethod": "client_secret_post"}}
                """.formatted(KUBERNETES_ISSUER, jwksUrl, KUBERNETES_ISSUER + "/unused",
                KUBERNETES_ISSUER + "/unused"));
        KEYCLOAK.create("clients", """
                {"clientId": "%s", "enabled": true, "publicClient": false, "serviceAccountsEnabled": true,
                 "standardFlowEnabled": false, "directAccessGrantsEnabled": false,
                 "clientAuthenticatorType": "federated-jwt",
                 "attributes": {"jwt.credential.issuer": "test-kubernetes", "jwt.credential.sub": "%s"}}
                """.formatted(KEYCLOAK_CLIENT, SUBJECT));
    }

    @AfterAll
    static void stopCluster() {
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private Path projectedToken(RSAKey key, Instant issued, Duration lifetime) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(KUBERNETES_ISSUER).subject(SUBJECT)
                .audience(KEYCLOAK.issuer().toString()).issueTime(Date.from(issued)).notBeforeTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(lifetime))).jwtID(UUID.randomUUID().toString())
                .claim("kubernetes.io", Map.of("namespace", "apps", "serviceaccount", Map.of("name", "notes-backend")))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        Path file = dir.resolve("token");
        // kubelet swaps the projected file atomically (a symlink flip); a move does the same here
        Path next = Files.writeString(dir.resolve("token.next"), jwt.serialize());
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private TokenProvider workload(Path file, String clientId) {
        return cache.provider(OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint()).clientId(clientId)
                .clientAssertionFile(file).build());
    }

    private AccessToken issued(TokenProvider provider) {
        AccessToken token = provider.token();
        ISSUED.add(token.value());
        return token;
    }

    @Test
    void aProjectedServiceAccountTokenAuthenticatesTheClientWithoutASecret() throws Exception {
        Path file = projectedToken(clusterKey, Instant.now(), Duration.ofHours(1));

        AccessToken token = issued(workload(file, SUBJECT));

        assertThat(KEYCLOAK.introspect(token.value(), INTROSPECTING_API, INTROSPECTING_API_SECRET))
                .containsEntry("active", true).containsEntry("azp", KEYCLOAK_CLIENT);
    }

    @Test
    void theFileIsReadAtEveryTokenRequestSoARotatedTokenIsWhatKeycloakSees() throws Exception {
        Path file = projectedToken(clusterKey, Instant.now(), Duration.ofHours(1));
        TokenProvider provider = workload(file, SUBJECT);
        AccessToken first = issued(provider);

        projectedToken(new RSAKeyGenerator(2048).keyID("cluster-signing-key").generate(), Instant.now(),
                Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(301));
        assertThatThrownBy(provider::token).as("the file now holds a token of a key Keycloak does not know")
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR));

        projectedToken(clusterKey, Instant.now(), Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(5));
        AccessToken afterRotation = issued(provider);
        assertThat(afterRotation.value()).isNotEqualTo(first.value());
    }

    @Test
    void theSameProjectedTokenAuthenticatesAgainUntilItIsRotated() throws Exception {
        Path file = projectedToken(clusterKey, Instant.now(), Duration.ofHours(1));
        TokenProvider provider = workload(file, SUBJECT);
        AccessToken first = issued(provider);

        clock.advance(Duration.ofSeconds(301));
        AccessToken second = issued(provider);

        assertThat(second.value()).isNotEqualTo(first.value());
    }

    @Test
    void keycloakRefusesAProjectedTokenIssuedMoreThanFiveMinutesBefore() throws Exception {
        Path file = projectedToken(clusterKey, Instant.now().minusSeconds(360), Duration.ofHours(1));

        assertThatThrownBy(() -> workload(file, SUBJECT).token()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR));
    }

    @Test
    void keycloakRefusesAClientIdOtherThanTheProjectedTokensSubject() throws Exception {
        Path file = projectedToken(clusterKey, Instant.now(), Duration.ofHours(1));

        assertThatThrownBy(() -> workload(file, KEYCLOAK_CLIENT).token()).isInstanceOfSatisfying(
                TokenException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_ERROR));
    }
}
