package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What members running different releases of the library must agree on to share tokens during a rolling upgrade:
 * for one credential and one token source, the same entry name, a token sealed by one opened by the other, a marker
 * signed by one verified by the other (known answers, computed once by this release: a change of the derivation, the
 * identity or the format breaks them, and must then be a deliberate, versioned one). And which credentials a seal is
 * derived from: a secret, or a private key that can be exported; never a client assertion file or a key that cannot.
 */
class TokenSealCompatibilityTest {

    private static final OAuthClientConfig CONFIG = OAuthClientConfig.builder()
            .tokenUrl(URI.create("https://idp.example.com/token")).clientId("kat-client")
            .clientSecret("kat-secret-0001").scope("read write").audience("api").resource("https://api.example.com")
            .extraParameter("tenant", "t1").build();
    private static final String ENTRY_NAME = "t1.zzqwNJFYuEvsKNkMNOpPz6q1xhEm5LUIc-_wsEFOI-o";
    private static final AccessToken TOKEN = new AccessToken("kat-token-value", "Bearer",
            Instant.parse("2026-12-07T10:00:00Z"), Instant.parse("2026-12-07T11:00:00Z"), "read");
    private static final AccessToken WITHOUT_SCOPE = new AccessToken("kat-token-2", "DPoP",
            Instant.parse("2026-12-07T10:00:00Z"), Instant.parse("2026-12-07T11:00:00Z"), null);
    private static final String SEALED = "s1.L_5m7Is-fWH1wIImBpP6s10uOIWfgR5d-q1dr-65pg1BU5vxQrXk6bkvQRlgxNLxQdYwKaFv0"
            + "gznJgGsy7lZ8MCbPhvMA7wd64k4Khpwiy0M";
    private static final String SEALED_WITHOUT_SCOPE = "s1.GMAqhMLkTAGN46cxW31Gkt7vyUYDvcyMbEUoSgQhWl1o1Z-SpUOZoFriFB"
            + "o8rANf-UNS58CwR1y1zdlnLPOCHA3yVNoWb4A";
    private static final String MARKER = "lease:kat@1700000000000";
    private static final String SIGNED = MARKER + ".WLgYJ81-SrjUikn6ir4feRWB-aWNMrPKDnAHQZRATnE";

    @TempDir
    Path dir;

    // derived for each test, not once for the class: mutation testing counts what runs in a test, not in a class's
    // static initialisation
    private final TokenSeal seal = TokenSeal.of(CONFIG).orElseThrow();

    @Test
    void anotherReleaseNamesTheEntryOfTheSameSourceAndCredentialAlike() {
        assertThat(seal.entryName()).isEqualTo(ENTRY_NAME);
    }

    @Test
    void aTokenAnotherReleaseSealedOpensWithEverythingItCarries() {
        AccessToken opened = seal.open(SEALED).orElseThrow();

        assertThat(opened.value()).isEqualTo(TOKEN.value());
        assertThat(opened.tokenType()).isEqualTo("Bearer");
        assertThat(opened.issuedAt()).isEqualTo(TOKEN.issuedAt());
        assertThat(opened.expiresAt()).isEqualTo(TOKEN.expiresAt());
        assertThat(opened.scope()).contains("read");
        AccessToken dpop = seal.open(SEALED_WITHOUT_SCOPE).orElseThrow();
        assertThat(dpop.tokenType()).isEqualTo("DPoP");
        assertThat(dpop.scope()).as("no scope granted").isEmpty();
    }

    @Test
    void aMarkerAnotherReleaseSignedIsVerifiedAndSignedAlike() {
        assertThat(seal.sign(MARKER)).isEqualTo(SIGNED);
        assertThat(seal.verify(SIGNED)).contains(MARKER);
    }

    @Test
    void aSignedMarkerIsVerifiedUpToItsLengthBoundAndRefusedBeyond() {
        // a signed marker is the marker, a dot and 43 characters of code
        String longest = seal.sign("m".repeat(TokenSeal.MAX_MARKER_CHARS - 44));
        String tooLong = seal.sign("m".repeat(TokenSeal.MAX_MARKER_CHARS - 43));

        assertThat(longest).hasSize(TokenSeal.MAX_MARKER_CHARS);
        assertThat(seal.verify(longest)).isPresent();
        assertThat(seal.verify(tooLong)).as("signed, but longer than any marker").isEmpty();
        assertThat(seal.verify(null)).isEmpty();
        assertThat(seal.open(null)).isEmpty();
    }

    @Test
    void anExportablePrivateKeyIsACredentialToSealWithAndEachKeyHasItsOwnEntry() throws Exception {
        OAuthClientConfig first = keyConfig(ClientKey.of(TestKeys.ecP256().getPrivate(), List.of()));
        OAuthClientConfig second = keyConfig(ClientKey.of(TestKeys.ecP256().getPrivate(), List.of()));

        assertThat(TokenSeal.canSeal(first)).isTrue();
        TokenSeal keys = TokenSeal.of(first).orElseThrow();
        assertThat(TokenSeal.of(first).orElseThrow().entryName()).isEqualTo(keys.entryName());
        assertThat(TokenSeal.of(second).orElseThrow().entryName()).isNotEqualTo(keys.entryName());
        assertThat(keys.open(keys.seal(TOKEN))).map(AccessToken::value).contains(TOKEN.value());
    }

    @Test
    void neitherAClientAssertionFileNorAKeyThatCannotBeExportedIsACredentialToSealWith() throws Exception {
        Path assertion = Files.writeString(dir.resolve("assertion.jwt"), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        OAuthClientConfig withAssertion = base().clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                .clientAssertionFile(assertion).build();
        OAuthClientConfig withHiddenKey = keyConfig(ClientKey.of(hidden(TestKeys.ecP256()), List.of()));

        assertThat(TokenSeal.canSeal(withAssertion)).isFalse();
        assertThat(TokenSeal.of(withAssertion)).isEmpty();
        assertThat(TokenSeal.canSeal(withHiddenKey)).isFalse();
        assertThat(TokenSeal.of(withHiddenKey)).isEmpty();
        assertThat(TokenSeal.canSeal(CONFIG)).isTrue();
    }

    private static OAuthClientConfig.Builder base() {
        return OAuthClientConfig.builder().tokenUrl(URI.create("https://idp.example.com/token")).clientId("kat-client");
    }

    private static OAuthClientConfig keyConfig(ClientKey key) {
        return base().clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT).clientKey(key).build();
    }

    /** An EC private key that cannot be exported, as one held in a hardware module. */
    private static ECPrivateKey hidden(KeyPair keys) {
        ECPrivateKey real = (ECPrivateKey) keys.getPrivate();
        return new ECPrivateKey() {
            @Override
            public BigInteger getS() {
                return real.getS();
            }

            @Override
            public ECParameterSpec getParams() {
                return real.getParams();
            }

            @Override
            public String getAlgorithm() {
                return "EC";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };
    }
}
