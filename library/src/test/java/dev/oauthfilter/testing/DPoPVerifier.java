package dev.oauthfilter.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks DPoP proofs as a server must (RFC 9449 §4.3): one header, type {@code dpop+jwt}, ES256 signed by the public
 * key in its own header, {@code htm} and {@code htu} of the request, {@code iat} of now, a {@code jti} never seen
 * before, {@code ath} of the token it goes with, the server's nonce. Thread-safe; remembers every {@code jti}.
 */
public final class DPoPVerifier {

    private final Clock clock;
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();

    public DPoPVerifier(Clock clock) {
        this.clock = clock;
    }

    /** What a valid proof says. */
    public static final class Proof {
        public final String jkt;
        public final String nonce;

        Proof(String jkt, String nonce) {
            this.jkt = jkt;
            this.nonce = nonce;
        }
    }

    /**
     * @param proof  the {@code DPoP} header
     * @param method the request's method
     * @param target the request's URI as the server saw it (query and fragment are ignored)
     * @param token  the access token the request carried, or null for a token request
     * @return the key's thumbprint and the proof's nonce
     * @throws AssertionError naming what is wrong
     */
    public Proof verify(String proof, String method, URI target, String token) {
        if (proof == null) {
            throw new AssertionError("no DPoP proof");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(proof);
            check(jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.ES256), "alg ES256");
            check("dpop+jwt".equals(String.valueOf(jwt.getHeader().getType())), "typ dpop+jwt");
            ECKey key = (ECKey) jwt.getHeader().getJWK();
            check(key != null && !key.isPrivate(), "a public jwk in the header");
            check(jwt.verify(new ECDSAVerifier(key)), "signature by the header's key");
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            check(method.equals(claims.getStringClaim("htm")), "htm " + method + " (was " + claims.getStringClaim("htm") + ")");
            String htu = target.getScheme() + "://" + target.getRawAuthority() + target.getRawPath();
            check(htu.equals(claims.getStringClaim("htu")), "htu " + htu + " (was " + claims.getStringClaim("htu") + ")");
            long age = clock.millis() / 1000 - claims.getIssueTime().getTime() / 1000;
            check(age >= 0 && age <= 60, "iat of now (was " + age + " s old)");
            check(claims.getJWTID() != null && claims.getJWTID().length() >= 16, "a jti of 16 characters or more");
            check(seenJtis.add(claims.getJWTID()), "a jti never used before");
            String ath = claims.getStringClaim("ath");
            if (token == null) {
                check(ath == null, "no ath in a token request's proof");
            } else {
                String expected = Base64URL.encode(MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
                check(expected.equals(ath), "ath of the token it goes with");
            }
            return new Proof(key.computeThumbprint().toString(), claims.getStringClaim("nonce"));
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("an unreadable DPoP proof: " + e, e);
        }
    }

    public int proofsSeen() {
        return seenJtis.size();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("DPoP proof: expected " + what);
        }
    }
}
