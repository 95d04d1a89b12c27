package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jwt.SignedJWT;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.testing.DPoPVerifier;
import dev.oauthfilter.fixtures.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The proofs' wire format (RFC 9449 §4.2) and the nonces a server may set, which are distrusted text. */
class DPoPProofsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private final DPoPProofs proofs = DPoPProofs.generate(clock);
    private final DPoPVerifier verifier = new DPoPVerifier(clock);

    @Test
    void aProofNamesItsRequestWithoutQueryOrFragmentAndTheTokenByItsHash() throws Exception {
        AccessToken token = new AccessToken("an-access-token", "DPoP", clock.instant(), clock.instant().plusSeconds(60),
                null);
        URI target = URI.create("https://API.example.com:8443/notes/7?view=full#top");

        String proof = proofs.proof("get", target, token);

        DPoPVerifier.Proof verified = verifier.verify(proof, "GET", URI.create("https://api.example.com:8443/notes/7"),
                "an-access-token");
        assertThat(verified.jkt).isEqualTo(proofs.thumbprint());
        SignedJWT jwt = SignedJWT.parse(proof);
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(jwt.getHeader().getJWK().toJSONObject()).doesNotContainKey("d");
    }

    @Test
    void aProofWithTheServersNonceAndATokenVerifiesAgainstThePublicKeyInItsHeader() throws Exception {
        AccessToken token = new AccessToken("a-dpop-bound-token", "DPoP", clock.instant(),
                clock.instant().plusSeconds(60), null);
        URI target = URI.create("https://api.example.com/notes");
        proofs.nonce(target, "server-nonce-1");

        String proof = proofs.proof("POST", target, token);

        // signature by the header's public jwk, typ dpop+jwt, alg ES256, htm, htu, iat, a new jti, ath
        DPoPVerifier.Proof verified = verifier.verify(proof, "POST", target, "a-dpop-bound-token");
        assertThat(verified.nonce).isEqualTo("server-nonce-1");
        assertThat(verified.jkt).isEqualTo(proofs.thumbprint());
        SignedJWT jwt = SignedJWT.parse(proof);
        assertThat(jwt.getHeader().getIncludedParams()).containsExactlyInAnyOrder("alg", "typ", "jwk");
        assertThat(jwt.getJWTClaimsSet().getClaims().keySet())
                .containsExactlyInAnyOrder("jti", "htm", "htu", "iat", "nonce", "ath");
    }

    @Test
    void eachProofsAthIsTheHashOfTheTokenItGoesWithWhenTokensAlternate() {
        URI target = URI.create("https://api.example.com/notes");
        for (String value : new String[] {"token-a", "token-b", "token-b", "token-a"}) {
            AccessToken token = new AccessToken(value, "DPoP", clock.instant(), clock.instant().plusSeconds(60), null);
            verifier.verify(proofs.proof("GET", target, token), "GET", target, value);
        }
    }

    @Test
    void anEmptyPathIsTheRootAndDefaultPortsStayImplicit() {
        assertThat(DPoPProofs.htu(URI.create("https://example.com"))).isEqualTo("https://example.com/");
        assertThat(DPoPProofs.htu(URI.create("HTTP://Example.COM/a%2Fb"))).isEqualTo("http://example.com/a%2Fb");
    }

    @Test
    void everyProofHasItsOwnJti() throws Exception {
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            jtis.add(SignedJWT.parse(proofs.proof("POST", URI.create("https://as.example.com/token"), null))
                    .getJWTClaimsSet().getJWTID());
        }
        assertThat(jtis).hasSize(1000);
    }

    @Test
    void aNonceIsRememberedPerOriginAndOnlyWhenWellFormed() throws Exception {
        URI service = URI.create("https://api.example.com/notes");

        assertThat(proofs.nonce(service, "n-1")).as("new").isTrue();
        assertThat(proofs.nonce(URI.create("https://api.example.com:443/other"), "n-1")).as("same origin, same nonce")
                .isFalse();
        assertThat(proofs.nonce(URI.create("https://other.example.com/"))).isEmpty();
        assertThat(SignedJWT.parse(proofs.proof("GET", service, null)).getJWTClaimsSet().getStringClaim("nonce"))
                .isEqualTo("n-1");

        assertThat(proofs.nonce(service, "with space")).isFalse();
        assertThat(proofs.nonce(service, "quote\"d")).isFalse();
        assertThat(proofs.nonce(service, "")).isFalse();
        assertThat(proofs.nonce(service, "x".repeat(513))).isFalse();
        assertThat(proofs.nonce(service)).contains("n-1");
    }

    @Test
    void noncesOfAtMostAFewHundredOriginsAreKept() {
        for (int i = 0; i < 1000; i++) {
            proofs.nonce(URI.create("https://host" + i + ".example.com/"), "n" + i);
        }
        assertThat(proofs.nonce(URI.create("https://host0.example.com/"))).isEmpty();
        assertThat(proofs.nonce(URI.create("https://host999.example.com/"))).contains("n999");
    }

    @Test
    void theKeyNeverShowsInToString() {
        assertThat(proofs.toString()).isEqualTo("DPoPProofs[jkt=" + proofs.thumbprint() + "]");
    }
}
