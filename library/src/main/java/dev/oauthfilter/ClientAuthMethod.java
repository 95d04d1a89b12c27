package dev.oauthfilter;

import java.util.Locale;

/**
 * How the client authenticates itself at the token endpoint (RFC 6749 §2.3.1).
 */
public enum ClientAuthMethod {
    /** {@code Authorization: Basic base64(client_id:client_secret)}; the default. */
    CLIENT_SECRET_BASIC,
    /** {@code client_id} and {@code client_secret} as form parameters in the request body. */
    CLIENT_SECRET_POST,
    /**
     * RFC 7523 §2.2: a short-lived JWT ({@code iss} = {@code sub} = client id, {@code aud} = token endpoint,
     * {@code jti}, {@code exp}) signed RS256 / ES256 with the client's private key ({@link ClientKey}).
     */
    PRIVATE_KEY_JWT,
    /** The same assertion signed HS256 with the client secret (at least 32 bytes). */
    CLIENT_SECRET_JWT,
    /**
     * IBM Mobile Client Access certificate flow (the seed SDK's {@code getAuthorizationHeaderByCertificate}):
     * {@code Authorization: IMFCert <jws>}, an RS256 JWS over {@code {"timestamp": <millis>}} carrying the
     * certificate in {@code x5c}; the client id is the certificate's CN.
     */
    MCA_CERTIFICATE,
    /**
     * RFC 8705 §2.1 PKI mutual TLS: the client presents its CA-issued certificate in the TLS handshake with the token
     * endpoint (its key in the TLS context: {@code OAuthClientConfig.Builder.sslContext}, or the {@code tls.key-store}
     * keys) and sends only {@code client_id}. The server may bind the tokens to that certificate
     * ({@code cnf.x5t#S256}): requests to the protected service must then present it too.
     */
    TLS_CLIENT_AUTH,
    /** RFC 8705 §2.2: the same with a self-signed certificate, which the server knows from the client's JWKS. */
    SELF_SIGNED_TLS_CLIENT_AUTH;

    /** @return whether the client proves itself in the TLS handshake (RFC 8705) */
    public boolean mutualTls() {
        return this == TLS_CLIENT_AUTH || this == SELF_SIGNED_TLS_CLIENT_AUTH;
    }

    /**
     * Parses a configuration value such as {@code client_secret_post} (case-insensitive, {@code -} or {@code _}).
     *
     * @param value the configured value
     * @return the method
     * @throws TokenException with {@link ErrorCode#INVALID_SETTING} for an unknown value
     */
    public static ClientAuthMethod fromConfigValue(String value) {
        String normalized = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (ClientAuthMethod method : values()) {
            if (method.name().equals(normalized)) {
                return method;
            }
        }
        throw TokenException.builder(ErrorCode.INVALID_SETTING)
                .message("unknown client authentication method '" + value + "' (use client_secret_basic,"
                        + " client_secret_post, private_key_jwt, client_secret_jwt, mca_certificate, tls_client_auth or"
                        + " self_signed_tls_client_auth)")
                .build();
    }
}
