package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.Secret;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * private_key_jwt, client_secret_jwt (RFC 7523) and the MCA certificate flow, checked the way an authorization server
 * would: signature against the public key or certificate, audience, expiry, unique jti.
 */
class ClientAuthenticationJwtTest {

    private static final String HMAC_SECRET = "a-client-secret-of-at-least-32-bytes!";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(HMAC_SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();

    @TempDir
    Path dir;

    private static Map<String, String> form(Received request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private JWTClaimsSet verifiedAssertion(Received request, JWSVerifier verifier, String expectedAlg) throws Exception {
        Map<String, String> form = form(request);
        assertThat(request.header("Authorization")).isNull();
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(expectedAlg);
        assertThat(jwt.verify(verifier)).as("signature").isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(form.get("client_id"));
        assertThat(claims.getSubject()).isEqualTo(form.get("client_id"));
        assertThat(claims.getAudience()).containsExactly(server.uri("/token").toString());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(60));
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        return claims;
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("jwt-client");
    }

    @Test
    void privateKeyJwtWithAnRsaPemKeySignsRs256WithTheKeyIdAndAFreshJtiEachTime() throws Exception {
        KeyPair keys = TestKeys.rsa();
        ClientKey key = ClientKey.fromPem(TestKeys.pkcs8Pem(keys, dir.resolve("key.pem")), null).withKeyId("key-2026");
        TokenProvider tokens = cache.provider(config().clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                .clientKey(key).build());

        RSASSAVerifier verifier = new RSASSAVerifier((RSAPublicKey) keys.getPublic());
        tokens.token();
        JWTClaimsSet first = verifiedAssertion(server.tokenRequests().get(0), verifier, "RS256");
        clock.advance(Duration.ofHours(2));
        tokens.token();
        JWTClaimsSet second = verifiedAssertion(server.tokenRequests().get(1), verifier, "RS256");

        assertThat(SignedJWT.parse(form(server.tokenRequests().get(0)).get("client_assertion")).getHeader().getKeyID())
                .isEqualTo("key-2026");
        assertThat(first.getJWTID()).isNotBlank().isNotEqualTo(second.getJWTID());
    }

    @Test
    void privateKeyJwtWithAnEcKeySignsEs256() throws Exception {
        KeyPair keys = TestKeys.ecP256();
        cache.provider(config().clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                .clientKey(ClientKey.fromPem(TestKeys.pkcs8Pem(keys, dir.resolve("ec.pem")), null)).build()).token();

        verifiedAssertion(server.tokenRequests().get(0), new ECDSAVerifier((ECPublicKey) keys.getPublic()), "ES256");
    }

    @Test
    void clientSecretJwtSignsHs256WithTheSecret() throws Exception {
        cache.provider(config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_JWT).clientSecret(HMAC_SECRET)
                .build()).token();

        verifiedAssertion(server.tokenRequests().get(0),
                new MACVerifier(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)), "HS256");
    }

    @Test
    void aShortSecretForClientSecretJwtIsRefusedAtBuild() {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_JWT).clientSecret("short").build());

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("32 bytes").doesNotContain("short\"");
    }

    @Test
    void privateKeyJwtWithoutAKeyIsMissingClientKey() {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> config().clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT).build());

        assertThat(e.code()).isEqualTo("MISSING_CLIENT_KEY");
        assertThat(e.getMessage()).contains("clientKey(...)", "clientAssertionFile(...)");
    }

    @Test
    void theMcaCertificateFlowSendsAnImfCertJwsOverTheTimestampWithTheCertificateAndItsCnAsClientId()
            throws Exception {
        Path store = TestKeys.keyStore(dir.resolve("client.p12"), "mca-client-42", "store-pw");
        ClientKey key = ClientKey.fromKeyStore(store, Secret.of("store-pw"), null, "PKCS12");
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                .serverUrl(server.uri("/imf-authserver")).tenantId("app-guid")
                .clientAuthMethod(ClientAuthMethod.MCA_CERTIFICATE).clientKey(key).build());

        tokens.token();

        Received request = server.tokenRequests().get(0);
        assertThat(request.path).isEqualTo("/imf-authserver/authorization/v1/apps/app-guid/token");
        assertThat(form(request)).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "mca-client-42");
        String header = request.header("Authorization");
        assertThat(header).startsWith("IMFCert ");
        JWSObject jws = JWSObject.parse(header.substring("IMFCert ".length()));
        assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        X509Certificate certificate = X509CertUtils.parse(jws.getHeader().getX509CertChain().get(0).decode());
        assertThat(certificate).isEqualTo(key.certificateChain().get(0));
        assertThat(jws.verify(new RSASSAVerifier((RSAPublicKey) certificate.getPublicKey()))).isTrue();
        assertThat(jws.getPayload().toString()).isEqualTo("{\"timestamp\":" + clock.millis() + "}");
    }

    @Test
    void keysComeFromMicroProfileConfigAndNeverShowInToString() throws Exception {
        KeyPair keys = TestKeys.rsa();
        Path pem = TestKeys.pkcs8Pem(keys, dir.resolve("mp.pem"));
        Path store = TestKeys.keyStore(dir.resolve("mp.p12"), "mp-cert-client", "mp-store-pw");
        OAuthClientConfig fromPem = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.token-url", server.uri("/token").toString(), "oauth.client-id", "mp-jwt",
                "oauth.client-auth-method", "private_key_jwt", "oauth.private-key-file", pem.toString(),
                "oauth.key-id", "kid-7")), OAuthClientConfig.DEFAULT_NAME);
        OAuthClientConfig fromStore = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.server-url", server.uri("/imf").toString(), "oauth.tenant-id", "t",
                "oauth.client-auth-method", "mca_certificate", "oauth.key-store", store.toString(),
                "oauth.key-store-password", "mp-store-pw")), OAuthClientConfig.DEFAULT_NAME);

        assertThat(fromPem.authentication().key()).hasValueSatisfying(k -> assertThat(k.keyId()).contains("kid-7"));
        assertThat(fromStore.authentication().clientId()).isEqualTo("mp-cert-client");
        String encoded = java.util.Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
        assertThat(fromPem.toString()).contains("ClientKey[RS256, kid=kid-7, key=redacted]")
                .doesNotContain(encoded.substring(0, 40));
        assertThat(fromStore.toString()).doesNotContain("mp-store-pw");
    }

    @Test
    void aWrongKeyStorePasswordIsAnInvalidSettingWithoutThePassword() throws Exception {
        Path store = TestKeys.keyStore(dir.resolve("wrong.p12"), "x", "right-password");

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> ClientKey.fromKeyStore(store, Secret.of("wrong-password-77"), null, "PKCS12"));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).doesNotContain("wrong-password-77");
    }

    @Test
    void aPkcs1PemExplainsHowToConvertIt() throws Exception {
        Path pkcs1 = java.nio.file.Files.writeString(dir.resolve("rsa.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");

        TokenException e = catchThrowableOfType(TokenException.class, () -> ClientKey.fromPem(pkcs1, null));

        assertThat(e.getMessage()).contains("openssl pkcs8 -topk8");
    }

}
