package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The seal of one token source for the credential that authenticates its token requests now. A client secret kept
 * in a file is rotated by rewriting the file: each fetch reads the credential again, and a new one gets a seal of
 * its own (a new entry name and new keys), so that tokens fetched with the new secret are never sealed under the one
 * that was rotated away, nor opened by it. The costly derivation (PBKDF2) runs once per credential: the credential
 * is recognised by an HMAC under a key of this object's own, which is never written anywhere.
 */
final class FleetSeals {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final OAuthClientConfig config;
    private final byte[] recognitionKey = new byte[32];
    private byte[] fingerprint;
    private TokenSeal seal;

    FleetSeals(OAuthClientConfig config) {
        this.config = config;
        RANDOM.nextBytes(recognitionKey);
    }

    /**
     * @return the seal for the credential as it is now; empty when it cannot be read now (a secret file caught
     *         half-way through a rotation): the fetch then goes on without the fleet
     */
    synchronized Optional<TokenSeal> current() {
        byte[] credential = TokenSeal.credential(config);
        if (credential == null) {
            return Optional.empty();
        }
        try {
            byte[] now = fingerprint(credential);
            if (seal == null || !MessageDigest.isEqual(now, fingerprint)) {
                Optional<TokenSeal> derived = TokenSeal.of(config, credential);
                fingerprint = now;
                seal = derived.orElse(null);
            }
            return Optional.ofNullable(seal);
        } finally {
            Arrays.fill(credential, (byte) 0);
        }
    }

    private byte[] fingerprint(byte[] credential) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(recognitionKey, "HmacSHA256"));
            return mac.doFinal(credential);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
