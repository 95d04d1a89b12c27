package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.Secret;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seal of a token source: a fresh nonce for every token, an entry name that differs with everything that makes a
 * token different (so that no two sources share one), markers that only the credential can sign, values from the
 * store bounded before they are decoded, and a seal that follows a rotated secret file.
 */
class TokenSealTest {

    private static final URI TOKEN_URL = URI.create("https://idp.example.com/token");
    private static final AccessToken TOKEN = new AccessToken("the-token-value", "Bearer",
            Instant.parse("2026-12-07T10:00:00Z"), Instant.parse("2026-12-07T11:00:00Z"), "read");

    @TempDir
    Path dir;

    private static OAuthClientConfig.Builder base() {
        return OAuthClientConfig.builder().tokenUrl(TOKEN_URL).clientId("sealed-client").clientSecret("seal-secret-1");
    }

    private static TokenSeal seal(OAuthClientConfig config) {
        return TokenSeal.of(config).orElseThrow();
    }

    @Test
    void everyTokenIsSealedUnderANonceOfItsOwn() {
        TokenSeal seal = seal(base().build());
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String sealed = seal.seal(TOKEN);
            byte[] message = Base64.getUrlDecoder().decode(sealed.substring("s1.".length()));
            byte[] nonce = java.util.Arrays.copyOf(message, 12);
            assertThat(nonce).as("a random nonce, not zeros").isNotEqualTo(new byte[12]);
            nonces.add(Base64.getEncoder().encodeToString(nonce));
            assertThat(seal.open(sealed)).map(AccessToken::value).contains(TOKEN.value());
        }
        assertThat(nonces).as("20 seals, 20 nonces").hasSize(20);
    }

    @Test
    void everySettingThatMakesATokenDifferentNamesAnotherEntry() throws Exception {
        Path keyStore = TestKeys.ecKeyStore(dir.resolve("dpop.p12"), "dpop-key", "dpop-pw");
        ClientKey dpopKey = ClientKey.fromKeyStore(keyStore, Secret.of("dpop-pw"), null, "PKCS12");
        X509Certificate certificate = certificate(TestKeys.keyStore(dir.resolve("tls-a.p12"), "tls-a", "tls-pw"));
        X509Certificate another = certificate(TestKeys.keyStore(dir.resolve("tls-b.p12"), "tls-b", "tls-pw"));
        Map<String, UnaryOperator<OAuthClientConfig.Builder>> variants = new LinkedHashMap<>();
        variants.put("token endpoint", b -> b.tokenUrl(URI.create("https://other.example.com/token")));
        variants.put("client id", b -> b.clientId("another-client"));
        variants.put("authentication method", b -> b.clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST));
        variants.put("scope", b -> b.scope("write"));
        variants.put("audience", b -> b.audience("billing"));
        variants.put("resource", b -> b.resource("https://api.example.com"));
        variants.put("extra parameter", b -> b.extraParameter("tenant", "t1"));
        variants.put("DPoP key", b -> b.dpopKey(dpopKey));
        variants.put("TLS client certificate", b -> b.tlsClientCertificate(certificate));
        variants.put("secret", b -> b.clientSecret("seal-secret-2"));
        variants.put("MCA layout (and its endpoint)", b -> OAuthClientConfig.builder().serverUrl(URI.create("https://idp.example.com"))
                .tenantId("tenant").clientId("sealed-client").clientSecret("seal-secret-1"));

        String name = seal(base().build()).entryName();
        assertThat(seal(base().build()).entryName()).as("the same settings").isEqualTo(name);
        for (Map.Entry<String, UnaryOperator<OAuthClientConfig.Builder>> variant : variants.entrySet()) {
            assertThat(seal(variant.getValue().apply(base()).build()).entryName()).as(variant.getKey())
                    .isNotEqualTo(name);
        }
        assertThat(seal(base().tlsClientCertificate(certificate).build()).entryName()).as("another certificate")
                .isNotEqualTo(seal(base().tlsClientCertificate(another).build()).entryName())
                .isEqualTo(seal(base().tlsClientCertificate(certificate).build()).entryName());
    }

    @Test
    void theTlsKeyStoreNamesItsCertificateForTheFleet() throws Exception {
        Path store = TestKeys.keyStore(dir.resolve("client.p12"), "mtls-client", "client-pw");
        OAuthClientConfig config = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.token-url", TOKEN_URL.toString(), "oauth.client-id", "sealed-client",
                "oauth.client-secret", "seal-secret-1", "oauth.tls.key-store", store.toString(),
                "oauth.tls.key-store-password", "client-pw")), "default");

        assertThat(config.tls().clientCertificate()).contains(certificate(store));
        assertThat(seal(config).entryName()).isNotEqualTo(seal(base().build()).entryName());
    }

    @Test
    void aTokenSealedForAnotherEntryOrAlteredDoesNotOpen() {
        TokenSeal seal = seal(base().build());
        TokenSeal other = seal(base().scope("write").build());
        String sealed = seal.seal(TOKEN);

        assertThat(other.open(sealed)).isEmpty();
        assertThat(seal.open(sealed.substring(0, sealed.length() - 1) + (sealed.endsWith("A") ? "B" : "A"))).isEmpty();
        for (String garbage : List.of("", "s1.", "s1.AAAA", "s1.!!", "t1." + sealed.substring(3))) {
            assertThat(seal.open(garbage)).as(garbage).isEmpty();
        }
    }

    @Test
    void aValueLargerThanAnySealedTokenIsRefusedBeforeItIsDecoded() {
        TokenSeal seal = seal(base().build());
        String huge = "s1." + "A".repeat(50_000_000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);

        assertThat(seal.open(huge)).isEmpty();
        assertThat(seal.verify(huge)).isEmpty();

        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated to look at a 50 MB value").isLessThan(1_000_000);
    }

    @Test
    void markersAreBelievedOnlyWhenSignedForThisEntryWithThisCredential() {
        TokenSeal seal = seal(base().build());
        String signed = seal.sign("lease:abc@42");

        assertThat(seal.verify(signed)).contains("lease:abc@42");
        assertThat(seal(base().clientSecret("another-secret").build()).verify(signed)).as("another credential")
                .isEmpty();
        assertThat(seal(base().scope("write").build()).verify(signed)).as("another entry").isEmpty();
        assertThat(seal.verify(signed.replace("@42", "@43"))).as("another time").isEmpty();
        assertThat(seal.verify("lease:abc@42")).as("unsigned").isEmpty();
        assertThat(seal.verify("lease:abc@42.")).as("an empty code").isEmpty();
        assertThat(seal.verify("lease:abc@42.%%")).as("not Base64").isEmpty();
    }

    @Test
    void theSealFollowsARotatedSecretFileAndIsDerivedOncePerSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("client-secret"), "first-secret-1");
        OAuthClientConfig config = base().clientSecretFile(file).build();
        FleetSeals seals = new FleetSeals(config);

        TokenSeal first = seals.current().orElseThrow();
        assertThat(seals.current().orElseThrow()).as("the same secret: no new derivation").isSameAs(first);
        Files.writeString(file, "second-secret-2");
        TokenSeal second = seals.current().orElseThrow();

        assertThat(second.entryName()).isNotEqualTo(first.entryName())
                .isEqualTo(seal(base().clientSecret("second-secret-2").build()).entryName());
        assertThat(first.open(second.seal(TOKEN))).as("the old secret opens no new token").isEmpty();
        Files.writeString(file, "  ");
        assertThat(seals.current()).as("a file caught half-way through a rotation").isEmpty();
        Files.delete(file);
        assertThat(seals.current()).as("a file gone").isEmpty();
    }

    private static X509Certificate certificate(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, store.getFileName().toString().startsWith("client") ? "client-pw".toCharArray()
                    : "tls-pw".toCharArray());
        }
        return (X509Certificate) keys.getCertificate("client");
    }
}
