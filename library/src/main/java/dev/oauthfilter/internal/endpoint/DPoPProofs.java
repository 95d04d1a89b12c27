package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One client's DPoP key (RFC 9449) and the proofs signed with it: an ES256 key generated in memory, never exported,
 * or the one configured for the client (which every replica holding it can use);
 * a proof per request ({@code htm}, {@code htu} without query and fragment, {@code iat}, a unique {@code jti}, and
 * {@code ath} when it goes with an access token); the nonces servers asked for, remembered per origin (a bounded
 * number of origins). The key and the header come from nimbus-jose-jwt, which the library already uses for client
 * assertions; a proof's claims are written and signed here, with the header encoded once per key and the {@code ath}
 * once per token (a proof costs little more than its one signature). Thread-safe.
 *
 * <p>{@code toString()} shows the key's thumbprint only.
 */
public final class DPoPProofs {

    /** The {@code typ} of a proof. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
    // RFC 9449 §8.1: a nonce is 1*NQCHAR; a server's text is distrusted beyond that, and beyond this length
    private static final Pattern NONCE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,512}");
    private static final int MAX_ORIGINS = 256;
    private static final int ES256_SIGNATURE_BYTES = 64;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ECKey key;
    private final PrivateKey privateKey;
    // the header is the same in every proof: its JSON (with the public JWK) and base64url are made once, not per proof
    private final String encodedHeader;
    private final Clock clock;
    // the ath of the token the last proof went with: a cached token goes with every request until it is refreshed
    private volatile TokenHash lastTokenHash = new TokenHash("", ath(""));
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> nonces = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_ORIGINS;
        }
    };

    private DPoPProofs(ECKey key, Clock clock) throws JOSEException {
        this.key = key;
        this.privateKey = key.toPrivateKey();
        this.encodedHeader = new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).jwk(key.toPublicJWK()).build()
                .toBase64URL().toString();
        this.clock = clock;
    }

    /** A token's value and its {@code ath}. */
    private static final class TokenHash {
        final String token;
        final String ath;

        TokenHash(String token, String ath) {
            this.token = token;
            this.ath = ath;
        }
    }

    /**
     * @param clock stamps the proofs ({@code iat})
     * @return proofs with a new P-256 key
     */
    public static DPoPProofs generate(Clock clock) {
        try {
            return new DPoPProofs(new ECKeyGenerator(Curve.P_256).generate(), clock);
        } catch (JOSEException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys or ES256 signatures", e);
        }
    }

    /**
     * @param key   a configured EC P-256 key with its certificate (checked by the configuration's build)
     * @param clock stamps the proofs ({@code iat})
     * @return proofs signed with that key: every holder of the key can use the tokens bound to it
     */
    public static DPoPProofs of(ClientKey key, Clock clock) {
        try {
            return new DPoPProofs(ecKey(key), clock);
        } catch (JOSEException e) {
            throw new IllegalStateException("this JVM cannot make ES256 signatures", e);
        }
    }

    /**
     * @param key a configured DPoP key
     * @return its JWK SHA-256 thumbprint (RFC 7638), the {@code jkt} a server binds tokens to: public, safe to use in
     *         names
     */
    public static String thumbprint(ClientKey key) {
        try {
            return ecKey(key).computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static ECKey ecKey(ClientKey key) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) key.certificateChain().get(0).getPublicKey())
                .privateKey(key.privateKey()).build();
    }

    /** A proof, and the server nonce it carries (null for none): a refusal for want of a nonce is judged by it. */
    public static final class Proof {
        /** The value of the {@code DPoP} header. */
        public final String jwt;
        /** The nonce in it, or null. */
        public final String nonce;

        Proof(String jwt, String nonce) {
            this.jwt = jwt;
            this.nonce = nonce;
        }

        @Override
        public String toString() {
            return "Proof[redacted]";
        }
    }

    /**
     * A proof for one request.
     *
     * @param method the request's method
     * @param target the request's URI
     * @param token  the access token the request carries, or null (a token request)
     * @return the value of the request's {@code DPoP} header
     */
    public String proof(String method, URI target, AccessToken token) {
        return signedProof(method, target, token).jwt;
    }

    /**
     * @param method the request's method
     * @param target the request's URI
     * @param token  the access token the request carries, or null (a token request)
     * @return a proof for one request, with the nonce it carries
     */
    public Proof signedProof(String method, URI target, AccessToken token) {
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        StringBuilder claims = new StringBuilder(256).append("{\"jti\":");
        jsonString(claims, BASE64URL.encodeToString(jti)).append(",\"htm\":");
        jsonString(claims, method.toUpperCase(Locale.ROOT)).append(",\"htu\":");
        jsonString(claims, htu(target)).append(",\"iat\":").append(clock.millis() / 1000);
        String nonce = nonce(target).orElse(null);
        if (nonce != null) {
            jsonString(claims.append(",\"nonce\":"), nonce);
        }
        if (token != null) {
            jsonString(claims.append(",\"ath\":"), athOf(token.value()));
        }
        String signingInput = encodedHeader + '.'
                + BASE64URL.encodeToString(claims.append('}').toString().getBytes(StandardCharsets.UTF_8));
        return new Proof(signingInput + '.' + BASE64URL.encodeToString(sign(signingInput)), nonce);
    }

    /** The ES256 signature of a JWS signing input, as JWS has it (R and S, 32 bytes each), signed as nimbus does. */
    private byte[] sign(String signingInput) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return ECDSA.transcodeSignatureToConcat(signature.sign(), ES256_SIGNATURE_BYTES);
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("could not sign a DPoP proof", e);
        }
    }

    private String athOf(String token) {
        TokenHash last = lastTokenHash;
        if (!last.token.equals(token)) {
            last = new TokenHash(token, ath(token));
            lastTokenHash = last;
        }
        return last.ath;
    }

    /** Appends {@code value} as a JSON string (RFC 8259 §7). */
    private static StringBuilder jsonString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }

    /**
     * Remembers a nonce a server sent in a {@code DPoP-Nonce} header, for later proofs to its origin.
     *
     * @param target a URI of the server
     * @param nonce  the header's value
     * @return whether it was taken (a well-formed nonce, different from the one remembered)
     */
    public boolean nonce(URI target, String nonce) {
        if (nonce == null || !NONCE.matcher(nonce).matches() || target.getHost() == null) {
            return false;
        }
        synchronized (nonces) {
            return !nonce.equals(nonces.put(origin(target), nonce));
        }
    }

    /**
     * @param target a URI
     * @return the nonce its server asked for last, if any
     */
    public Optional<String> nonce(URI target) {
        if (target.getHost() == null) {
            return Optional.empty();
        }
        synchronized (nonces) {
            return Optional.ofNullable(nonces.get(origin(target)));
        }
    }

    /** @return the key's JWK SHA-256 thumbprint (RFC 7638), which a server binds tokens to ({@code cnf.jkt}) */
    public String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * The {@code htu} of a request: its URI without query and fragment, an empty path as {@code /}, characters beyond
     * ASCII percent-encoded in UTF-8 as HTTP clients send them (RFC 3986 §2.5).
     */
    static String htu(URI target) {
        if (target.getScheme() == null || target.getHost() == null) {
            // e.g. a host name with '_', which java.net.URI does not take as a host: no proof can name it; the
            // message names the authority without its user information (RFC 3986 §3.2.1: no password shown)
            String authority = String.valueOf(target.getRawAuthority());
            throw TokenException.builder(ErrorCode.INVALID_SETTING)
                    .message("a DPoP proof needs a request URI with a scheme and a host name, not '"
                            + authority.substring(authority.lastIndexOf('@') + 1) + "'").build();
        }
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        String rawPath = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String path = asciiOnly(rawPath);
        boolean defaultPort = target.getPort() == -1 || target.getPort() == ("https".equals(scheme) ? 443 : 80);
        return scheme + "://" + target.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + target.getPort())
                + path;
    }

    /** @return {@code rawPath} with what is not ASCII percent-encoded in UTF-8; what is ASCII stays as sent */
    private static String asciiOnly(String rawPath) {
        if (rawPath.chars().allMatch(c -> c < 0x80)) {
            return rawPath;
        }
        StringBuilder ascii = new StringBuilder();
        for (byte b : rawPath.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0) {
                ascii.append((char) b);
            } else {
                ascii.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return ascii.toString();
    }

    /** The {@code ath} of a token: the base64url SHA-256 of its ASCII value. */
    static String ath(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static String origin(URI target) {
        int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        return String.valueOf(target.getScheme()).toLowerCase(Locale.ROOT) + "://"
                + target.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    @Override
    public String toString() {
        return "DPoPProofs[jkt=" + thumbprint() + "]";
    }
}
