package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.DPoPProofs;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Seals one token source's tokens for a shared store. Keys are derived from the client's credential, its secret
 * or its private key (PBKDF2 stretching, salted with the source's identity, then HKDF-SHA256 expansion, RFC 5869): one
 * encrypts and authenticates each token (AES-256-GCM, a random nonce per token, the entry's name as associated data),
 * one authenticates the fleet's markers (who fetches, until when; a failure the fleet shares: an HMAC over the
 * entry's name and the marker), one names the entry (an HMAC of everything that makes the token different: endpoint,
 * client id, authentication method, scope, audience, resources, extra parameters, the DPoP key and the TLS client
 * certificate it may be bound to). A store member, an operator or a heap dump without the credential can neither
 * read nor forge a token or a marker, nor learn the client id from a name; members configured with the same
 * credential derive the same keys.
 *
 * <p>Whatever a store hands back is bounded before it is decoded: a sealed token longer than
 * {@value #MAX_SEALED_CHARS} characters, or a marker longer than {@value #MAX_MARKER_CHARS}, is not this source's.
 */
final class TokenSeal {

    /** The longest sealed token opened (a token of ~48 KB): a larger value is refused before it is decoded. */
    static final int MAX_SEALED_CHARS = 64 * 1024;
    /** The longest marker verified. */
    static final int MAX_MARKER_CHARS = 512;
    private static final String FORMAT = "s1.";
    private static final byte[] SALT = "oauth-filter shared tokens v1".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    // OWASP's figure for PBKDF2-HMAC-SHA256 (2021): a few hundred ms, once per member and token source
    private static final int ITERATIONS = 310_000;

    private final SecretKeySpec sealKey;
    private final byte[] markerKey;
    private final String entryName;

    private TokenSeal(byte[] credential, byte[] identity) {
        byte[] pseudoRandomKey = stretch(credential, identity);
        this.sealKey = new SecretKeySpec(expand(pseudoRandomKey, "token seal"), "AES");
        this.markerKey = expand(pseudoRandomKey, "fleet marker");
        this.entryName = "t1." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(expand(pseudoRandomKey, "entry name"), identity));
        Arrays.fill(pseudoRandomKey, (byte) 0);
    }

    /**
     * @param config a token source's settings
     * @return its seal, derived from the credential as it is now, or empty when it has no credential to derive keys
     *         from (a private key that cannot be exported, or a secret file that cannot be read now)
     */
    static Optional<TokenSeal> of(OAuthClientConfig config) {
        byte[] credential = credential(config);
        if (credential == null) {
            return Optional.empty();
        }
        try {
            return of(config, credential);
        } finally {
            Arrays.fill(credential, (byte) 0);
        }
    }

    /** @return the seal of {@code config}'s source for {@code credential}, which {@link #credential} read */
    static Optional<TokenSeal> of(OAuthClientConfig config, byte[] credential) {
        return Optional.of(new TokenSeal(credential, identity(config)));
    }

    /**
     * @return whether {@code config} has a kind of credential a seal can be derived from (a client secret, possibly
     *         in a file that cannot be read at the moment, or a private key that can be exported)
     */
    static boolean canSeal(OAuthClientConfig config) {
        return config.authentication().secret().isPresent()
                || config.authentication().key().map(key -> key.privateKey().getEncoded() != null).orElse(false);
    }

    /**
     * @return the credential that authenticates a token request now (a secret file read anew), or null when there is
     *         none or it cannot be read; the caller clears it
     */
    static byte[] credential(OAuthClientConfig config) {
        byte[] credential;
        try {
            credential = config.authentication().secret().map(s -> s.reveal().getBytes(StandardCharsets.UTF_8))
                    .orElseGet(() -> config.authentication().key().map(k -> k.privateKey().getEncoded()).orElse(null));
        } catch (TokenException unreadable) {
            return null;
        }
        return credential == null || credential.length == 0 ? null : credential;
    }

    /** @return the name of the source's entries in the shared store: no client id or secret, even hashed */
    String entryName() {
        return entryName;
    }

    /** @return the token, encrypted and authenticated, as text */
    String seal(AccessToken token) {
        try {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(plain)) {
                writeString(out, token.value());
                writeString(out, token.tokenType());
                out.writeLong(token.issuedAt().toEpochMilli());
                out.writeLong(token.expiresAt().toEpochMilli());
                writeString(out, token.scope().orElse(""));
            }
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(entryName.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.toByteArray());
            byte[] message = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, message, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, message, NONCE_BYTES, sealed.length);
            return FORMAT + Base64.getUrlEncoder().withoutPadding().encodeToString(message);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a token: " + e.getClass().getName(), e);
        }
    }

    /**
     * @param sealed what {@link #seal} made, possibly with another credential, or anything else a store returned
     * @return the token, or empty when the text was not sealed with this seal's key for this entry, or was altered
     */
    Optional<AccessToken> open(String sealed) {
        if (sealed == null || sealed.length() > MAX_SEALED_CHARS || !sealed.startsWith(FORMAT)) {
            return Optional.empty();
        }
        try {
            byte[] message = Base64.getUrlDecoder().decode(sealed.substring(FORMAT.length()));
            if (message.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, message, 0, NONCE_BYTES));
            cipher.updateAAD(entryName.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(message, NONCE_BYTES, message.length - NONCE_BYTES);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
                String value = readString(in);
                String type = readString(in);
                Instant issuedAt = Instant.ofEpochMilli(in.readLong());
                Instant expiresAt = Instant.ofEpochMilli(in.readLong());
                String scope = readString(in);
                return Optional.of(new AccessToken(value, type, issuedAt, expiresAt, scope.isEmpty() ? null : scope));
            }
        } catch (IllegalArgumentException | IOException | GeneralSecurityException notSealedHere) {
            // another credential, another entry, an altered or truncated text: not a token of this source
            return Optional.empty();
        }
    }

    /**
     * @param marker what the fleet may read about this entry, e.g. who fetches until when
     * @return the marker with its authentication code, as text for the store
     */
    String sign(String marker) {
        return marker + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(markerCode(marker));
    }

    /**
     * @param signed what {@link #sign} made, possibly with another credential, or anything else a store returned
     * @return the marker, or empty when it was not signed with this seal's key for this entry, or was altered
     */
    Optional<String> verify(String signed) {
        if (signed == null || signed.length() > MAX_MARKER_CHARS) {
            return Optional.empty();
        }
        int dot = signed.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String marker = signed.substring(0, dot);
        byte[] code;
        try {
            code = Base64.getUrlDecoder().decode(signed.substring(dot + 1));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(code, markerCode(marker)) ? Optional.of(marker) : Optional.empty();
    }

    private byte[] markerCode(String marker) {
        return hmac(markerKey, (entryName + "\n" + marker).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] identity(OAuthClientConfig config) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, config.endpoint().url().toString());
            writeString(out, config.endpoint().layout().name());
            writeString(out, String.valueOf(config.authentication().clientId()));
            writeString(out, config.authentication().method().name());
            writeString(out, config.requestParameters().scope().orElse(""));
            writeString(out, config.requestParameters().audience().orElse(""));
            out.writeInt(config.requestParameters().resources().size());
            for (String resource : config.requestParameters().resources()) {
                writeString(out, resource);
            }
            out.writeInt(config.requestParameters().extraParameters().size());
            for (Map.Entry<String, String> parameter : config.requestParameters().extraParameters().entrySet()) {
                writeString(out, parameter.getKey());
                writeString(out, parameter.getValue());
            }
            // tokens bound to another DPoP key are another source's (nothing written without one: the names of
            // Bearer sources stay what they were)
            if (config.dpop().key().isPresent()) {
                writeString(out, "dpop-jkt:" + DPoPProofs.thumbprint(config.dpop().key().get()));
            }
            // tokens bound to another TLS client certificate (RFC 8705 cnf.x5t#S256) are another source's too
            if (config.tls().clientCertificate().isPresent()) {
                writeString(out, "x5t#S256:" + thumbprint(config.tls().clientCertificate().get()));
            }
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static String thumbprint(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("bad length");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * The HKDF pseudo-random key, made slow to compute: PBKDF2-HMAC-SHA256 with {@value #ITERATIONS} iterations,
     * salted with the source's identity. Whoever can read the shared caches holds sealed tokens and could test
     * guesses of the client secret against them offline; each guess then costs as much as this, once per member and
     * source for the library.
     */
    private static byte[] stretch(byte[] credential, byte[] identity) {
        char[] password = Base64.getEncoder().encodeToString(credential).toCharArray();
        try {
            byte[] salt = hmac(SALT, identity);
            PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static byte[] expand(byte[] pseudoRandomKey, String info) {
        byte[] input = (info + "\u0001").getBytes(StandardCharsets.UTF_8);
        return hmac(pseudoRandomKey, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
