package dev.oauthfilter;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;

/**
 * Whether a client binds its tokens to a key with DPoP (RFC 9449), the DPoP part of its {@link OAuthClientConfig}:
 * off, on with a key each token source generates in memory, or on with a configured key that every replica holding
 * it shares. Immutable; {@link OAuthClientConfig.Builder#build()} checks that a configured key is EC P-256 with the
 * certificate of its own public key (it signs a probe and verifies it).
 *
 * <pre>{@code
 * DPoP dpop = config.dpop();
 * if (dpop.enabled() && dpop.key().isEmpty()) {
 *     // each token source generates its own key
 * }
 * }</pre>
 */
public final class DPoP {

    private final boolean enabled;
    private final ClientKey key;

    private DPoP(boolean enabled, ClientKey key) {
        this.enabled = enabled;
        this.key = key;
    }

    /**
     * @return whether tokens are bound to a key of this client: every token request and every request that carries
     *         a token has a proof signed with that key
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * @return the configured key (its private key and the certificate that carries its public key); empty when each
     *         token source generates its own in memory
     */
    public Optional<ClientKey> key() {
        return Optional.ofNullable(key);
    }

    @Override
    public String toString() {
        return "DPoP[" + (!enabled ? "off" : key == null ? "generated key" : key.toString()) + "]";
    }

    /** The DPoP settings of a builder; a configured key turns DPoP on. */
    static final class Draft {
        boolean enabled;
        ClientKey key;

        DPoP build(SettingErrors errors) {
            if (key != null) {
                check(key, errors);
            }
            return new DPoP(enabled || key != null, key);
        }

        /**
         * A configured DPoP key must be EC P-256 (ES256, what servers are sure to accept) with a certificate of the
         * same key: the proofs carry the public key, which a private key alone does not give.
         */
        private static void check(ClientKey key, SettingErrors errors) {
            if (!(key.privateKey() instanceof ECPrivateKey) || !isP256(((ECPrivateKey) key.privateKey()).getParams())) {
                throw errors.invalid(ClientSetting.DPOP_KEY, "must be an EC P-256 key (ES256), not "
                        + describe(key));
            }
            if (key.certificateChain().isEmpty()
                    || !(key.certificateChain().get(0).getPublicKey() instanceof ECPublicKey)
                    || !signsForItsCertificate(key)) {
                throw errors.invalid(ClientSetting.DPOP_KEY, "needs the certificate of its public key");
            }
        }

        private static String describe(ClientKey key) {
            if (key.privateKey() instanceof ECPrivateKey) {
                return "an EC key of another curve (" + ((ECPrivateKey) key.privateKey()).getParams().getCurve()
                        .getField().getFieldSize() + " bits)";
            }
            return key.privateKey().getAlgorithm();
        }

        // the same curve, generator and order as the JDK's secp256r1: a size check would let other 256-bit curves in
        private static boolean isP256(ECParameterSpec spec) {
            try {
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec("secp256r1"));
                ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
                return p256.getCurve().equals(spec.getCurve()) && p256.getGenerator().equals(spec.getGenerator())
                        && p256.getOrder().equals(spec.getOrder()) && p256.getCofactor() == spec.getCofactor();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("secp256r1 is required of every JVM", e);
            }
        }

        /** The signing probe: what the private key signs, the certificate's public key verifies. */
        private static boolean signsForItsCertificate(ClientKey key) {
            try {
                byte[] probe = "oauth-filter DPoP key check".getBytes(StandardCharsets.US_ASCII);
                Signature signer = Signature.getInstance("SHA256withECDSA");
                signer.initSign(key.privateKey());
                signer.update(probe);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance("SHA256withECDSA");
                verifier.initVerify(key.certificateChain().get(0).getPublicKey());
                verifier.update(probe);
                return verifier.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }
}
