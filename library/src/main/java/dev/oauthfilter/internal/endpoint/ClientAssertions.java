package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The signed proofs some clients authenticate with, made with nimbus-jose-jwt: RFC 7523 client assertions
 * ({@code private_key_jwt}, {@code client_secret_jwt}) and the Mobile Client Access {@code IMFCert} header.
 */
final class ClientAssertions {

    /** The {@code client_assertion_type} of RFC 7523. */
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final Duration LIFETIME = Duration.ofSeconds(60);
    static final long MAX_ASSERTION_BYTES = 64 * 1024;

    private final OAuthClientConfig config;
    private final Clock clock;

    ClientAssertions(OAuthClientConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * The JWT in the client assertion file, as it is now (a rotated one is used at once): a {@code MISSING_SECRET}
     * failure naming the file, never quoting it, when it cannot be read, is not a JWT, or has expired.
     */
    private String issuedAssertion(Path file) {
        String where = "the client assertion file " + file;
        String jwt;
        try {
            if (Files.size(file) > MAX_ASSERTION_BYTES) {
                throw missing(where + " is larger than " + MAX_ASSERTION_BYTES + " bytes");
            }
            jwt = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            if (e instanceof TokenException) {
                throw (TokenException) e;
            }
            throw missing("cannot read " + where + " (" + e.getClass().getSimpleName() + ")");
        }
        Date exp;
        try {
            exp = JWTParser.parse(jwt).getJWTClaimsSet().getExpirationTime();
        } catch (ParseException | RuntimeException e) {
            throw missing(where + " does not hold a JWT");
        }
        if (exp != null && !exp.toInstant().isAfter(clock.instant())) {
            throw missing(where + " holds a JWT that expired at " + exp.toInstant()
                    + " (is whatever rotates it still running?)");
        }
        return jwt;
    }

    private TokenException missing(String message) {
        return TokenException.builder(ErrorCode.MISSING_SECRET).clientName(config.name())
                .message(message + "; check " + config.settingNames().of(ClientSetting.CLIENT_ASSERTION_FILE)).build();
    }

    /**
     * A one-use JWT proving the client's identity to {@code tokenEndpoint}: signed here, or the one someone else
     * issued to the client, read from its file ({@code client-assertion-file}).
     */
    String clientAssertion(URI tokenEndpoint) {
        if (config.authentication().assertionFile().isPresent()) {
            return issuedAssertion(config.authentication().assertionFile().get());
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(config.authentication().clientId())
                .subject(config.authentication().clientId())
                .audience(tokenEndpoint.toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        JWSAlgorithm algorithm;
        JWSSigner signer;
        String keyId = null;
        try {
            switch (config.authentication().method()) {
                case CLIENT_SECRET_JWT:
                    algorithm = JWSAlgorithm.HS256;
                    signer = new MACSigner(ClientSecrets.reveal(config).getBytes(StandardCharsets.UTF_8));
                    break;
                case PRIVATE_KEY_JWT:
                    ClientKey key = config.authentication().key().orElseThrow();
                    algorithm = JWSAlgorithm.parse(key.algorithm());
                    signer = signer(key);
                    keyId = key.keyId().orElse(null);
                    break;
                default:
                    throw new IllegalStateException("no client assertion for " + config.authentication().method());
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw signingFailed(e);
        }
    }

    /** {@code IMFCert <jws>}: RS256 over {@code {"timestamp": <millis>}} with the certificate chain in {@code x5c}. */
    String mcaCertificateAuthorization() {
        ClientKey key = config.authentication().key().orElseThrow();
        try {
            List<Base64> x5c = new ArrayList<>();
            for (X509Certificate certificate : key.certificateChain()) {
                x5c.add(Base64.encode(certificate.getEncoded()));
            }
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).x509CertChain(x5c).build(),
                    new Payload("{\"timestamp\":" + clock.millis() + "}"));
            jws.sign(signer(key));
            return "IMFCert " + jws.serialize();
        } catch (JOSEException | CertificateEncodingException e) {
            throw signingFailed(e);
        }
    }

    private static JWSSigner signer(ClientKey key) throws JOSEException {
        return key.privateKey() instanceof ECPrivateKey
                ? new ECDSASigner((ECPrivateKey) key.privateKey()) : new RSASSASigner(key.privateKey());
    }

    private TokenException signingFailed(Exception e) {
        return TokenException.builder(ErrorCode.INVALID_SETTING).clientName(config.name())
                .message("cannot sign the client's proof of identity (" + e.getClass().getSimpleName()
                        + "); check the key and " + config.settingNames().of(ClientSetting.CLIENT_AUTH_METHOD))
                .build();
    }
}
