package dev.oauthfilter;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.DPoPVerifier;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPoP with a configured key ({@code dpopKey}, {@code oauth.dpop-key-store}): every proof, of every cache that holds
 * the key, carries that key, so the tokens bound to it serve every replica; a key that cannot make ES256 proofs is
 * refused when the configuration is built, naming the setting.
 */
class DPoPConfiguredKeyTest {

    private static final String CLIENT_ID = "dpop-keyed-client";
    private static final String SECRET = "dpop-keyed-secret-4e2";
    private static final String PASSWORD = "dpop-key-store-pw";

    @TempDir
    static Path dir;
    private static Path ecStore;
    private static Path otherEcStore;
    private static Path rsaStore;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final DPoPVerifier verifier = new DPoPVerifier(fixture.clock());
    private final List<String> tokenRequestKeys = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void keyStores() throws Exception {
        ecStore = TestKeys.ecKeyStore(dir.resolve("dpop.p12"), "dpop-key", PASSWORD);
        otherEcStore = TestKeys.ecKeyStore(dir.resolve("other-dpop.p12"), "other-dpop-key", PASSWORD);
        rsaStore = TestKeys.keyStore(dir.resolve("rsa.p12"), "not-for-dpop", PASSWORD);
    }

    private static ClientKey key(Path store) {
        return ClientKey.fromKeyStore(store, Secret.of(PASSWORD), null, "PKCS12");
    }

    // RFC 7638 thumbprint of the key store's public key, computed here independently of the library
    private static String thumbprintOf(Path store) throws Exception {
        ECPublicKey publicKey = (ECPublicKey) key(store).certificateChain().get(0).getPublicKey();
        return new ECKey.Builder(Curve.P_256, publicKey).build().computeThumbprint().toString();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET);
    }

    private Reply tokenEndpoint(Received request) {
        tokenRequestKeys.add(verifier.verify(request.header("DPoP"), "POST", server.uri("/token"), null).jkt);
        return Reply.json(200, "{\"access_token\":\"" + server.newToken()
                + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}");
    }

    @Test
    void everyCacheThatHoldsTheKeyProvesWithItOnTokenRequestsAndRequests() throws Exception {
        server.respond(this::tokenEndpoint);
        OAuthClientConfig keyed = config().dpopKey(key(ecStore)).build();
        assertThat(keyed.dpop().enabled()).as("a key implies DPoP").isTrue();

        TokenProvider replicaOne = fixture.cache().provider(keyed);
        TokenProvider replicaTwo = fixture.newCache(settings -> settings).provider(keyed);
        replicaOne.token();
        replicaTwo.token();
        AccessToken token = replicaTwo.token();
        RequestAuthorization authorization = replicaTwo.authorization("GET", server.uri("/api/notes"));

        String expected = thumbprintOf(ecStore);
        assertThat(tokenRequestKeys).containsExactly(expected, expected);
        assertThat(verifier.verify(authorization.headers().get("DPoP"), "GET", server.uri("/api/notes"),
                token.value()).jkt).isEqualTo(expected);
    }

    @Test
    void withoutAConfiguredKeyEachCacheBindsToAKeyOfItsOwn() {
        server.respond(this::tokenEndpoint);
        OAuthClientConfig generated = config().dpop(true).build();

        fixture.cache().provider(generated).token();
        fixture.newCache(settings -> settings).provider(generated).token();

        assertThat(tokenRequestKeys).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void anotherKeyIsAnotherTokenSource() throws Exception {
        server.respond(this::tokenEndpoint);

        fixture.cache().provider(config().dpopKey(key(ecStore)).build()).token();
        fixture.cache().provider(config().dpopKey(key(otherEcStore)).build()).token();

        assertThat(tokenRequestKeys).containsExactly(thumbprintOf(ecStore), thumbprintOf(otherEcStore));
    }

    @Test
    void anRsaKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> config().dpopKey(key(rsaStore)).build()).isInstanceOfSatisfying(TokenException.class,
                e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SETTING);
                    assertThat(e.getMessage()).contains("dpopKey(...)", "EC P-256", "not RSA");
                });
    }

    @Test
    void anEcKeyOfAnotherCurveIsRefused() throws Exception {
        Path p384 = dir.resolve("p384.p12");
        TestKeys.keytool("-genkeypair", "-alias", "dpop", "-keyalg", "EC", "-groupname", "secp384r1", "-validity",
                "2", "-dname", "CN=p384", "-keystore", p384.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        assertThatThrownBy(() -> config().dpopKey(key(p384)).build()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.getMessage()).contains("EC P-256", "another curve (384 bits)"));
    }

    @Test
    void aKeyWithTheCertificateOfAnotherKeyIsRefused() {
        ClientKey mismatched = ClientKey.of(key(ecStore).privateKey(), key(otherEcStore).certificateChain());

        assertThatThrownBy(() -> config().dpopKey(mismatched).build()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.getMessage()).contains("certificate of its public key"));
    }

    @Test
    void aKeyWithoutItsCertificateIsRefused() throws Exception {
        Path pem = TestKeys.pkcs8Pem(TestKeys.ecP256(), dir.resolve("dpop-no-cert.pem"));

        assertThatThrownBy(() -> config().dpopKey(ClientKey.fromPem(pem, null)).build())
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.getMessage())
                                .contains("dpopKey(...) needs the certificate of its public key"));
    }

    @Test
    void aBadKeyFromMicroProfileConfigIsRefusedNamingItsKeys() throws Exception {
        Path pem = TestKeys.pkcs8Pem(TestKeys.ecP256(), dir.resolve("mp-dpop-no-cert.pem"));
        Map<String, String> rsa = Map.of("oauth.token-url", server.uri("/token").toString(), "oauth.client-id",
                CLIENT_ID, "oauth.client-secret", SECRET, "oauth.dpop-key-store", rsaStore.toString(),
                "oauth.dpop-key-store-password", PASSWORD);
        Map<String, String> withoutCertificate = Map.of("oauth.token-url", server.uri("/token").toString(),
                "oauth.client-id", CLIENT_ID, "oauth.client-secret", SECRET, "oauth.dpop-private-key-file",
                pem.toString());

        assertThatThrownBy(() -> MicroProfileClientConfigs.read(TestConfigs.of(rsa), OAuthClientConfig.DEFAULT_NAME))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.getMessage())
                        .contains("oauth.dpop-key-store", "oauth.dpop-private-key-file", "EC P-256", "not RSA"));
        assertThatThrownBy(() -> MicroProfileClientConfigs.read(TestConfigs.of(withoutCertificate),
                OAuthClientConfig.DEFAULT_NAME)).isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.getMessage()).contains("oauth.dpop-certificate-file"));
    }

    @Test
    void dpopSetToFalseBesideAConfiguredKeyIsRefused() {
        assertThatThrownBy(() -> MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.token-url", server.uri("/token").toString(), "oauth.client-id", CLIENT_ID,
                "oauth.client-secret", SECRET, "oauth.dpop", "false", "oauth.dpop-key-store", ecStore.toString(),
                "oauth.dpop-key-store-password", PASSWORD)), OAuthClientConfig.DEFAULT_NAME))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SETTING);
                    assertThat(e.getMessage()).contains("oauth.dpop is false", "oauth.dpop-key-store");
                });
    }

    @Test
    void theKeyIsReadFromMicroProfileConfigAndNeverPrinted() throws Exception {
        OAuthClientConfig config = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.billing.token-url", server.uri("/token").toString(), "oauth.billing.client-id", CLIENT_ID,
                "oauth.billing.client-secret", SECRET, "oauth.billing.dpop-key-store", ecStore.toString(),
                "oauth.billing.dpop-key-store-password", PASSWORD)), "billing");

        assertThat(config.dpop().enabled()).isTrue();
        assertThat(config.dpop().key()).contains(key(ecStore));
        String encodedKey = Base64.getEncoder().encodeToString(key(ecStore).privateKey().getEncoded());
        assertThat(config.toString()).contains("dpop=ClientKey[ES256").doesNotContain(encodedKey)
                .doesNotContain(PASSWORD);
    }
}
