package dev.oauthfilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token obtained from a token endpoint: its value, type, expiry and granted scope. Immutable.
 *
 * <p>{@code toString()} never shows the value; {@link #fingerprint()} gives a short, non-reversible identifier
 * for correlating log lines.
 */
public final class AccessToken {

    private final String value;
    private final String tokenType;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final String scope;
    // computed once: the filter's hot path then allocates nothing per request
    private final String authorizationHeader;

    /**
     * @param value     the token, not blank
     * @param tokenType the token type: {@code Bearer}, or {@code DPoP} for a token bound to the client's DPoP key
     * @param issuedAt  when it was received
     * @param expiresAt when it expires, after {@code issuedAt}
     * @param scope     the granted scope, or null when the server did not say
     */
    public AccessToken(String value, String tokenType, Instant issuedAt, Instant expiresAt, String scope) {
        this.value = Objects.requireNonNull(value, "value");
        this.tokenType = Objects.requireNonNull(tokenType, "tokenType");
        this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.scope = scope;
        this.authorizationHeader = (isDPoP(tokenType) ? "DPoP " : "Bearer ") + value;
        if (value.isBlank()) {
            throw new IllegalArgumentException("blank token value");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
    }

    /** @return the token itself, to be sent only to the service it is meant for */
    public String value() {
        return value;
    }

    /** @return the token type: {@code Bearer}, or {@code DPoP} */
    public String tokenType() {
        return tokenType;
    }

    /**
     * @return whether the token is bound to the client's DPoP key (RFC 9449): every request that carries it needs a
     *         proof, see {@link TokenProvider#authorization(String, java.net.URI)}
     */
    public boolean isDPoP() {
        return isDPoP(tokenType);
    }

    private static boolean isDPoP(String tokenType) {
        return "DPoP".equalsIgnoreCase(tokenType);
    }

    /** @return when the token was received */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** @return when the token expires */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return the scope the server granted, when it said */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /**
     * @return {@code "Bearer " + value()} ({@code "DPoP " + value()} for a DPoP-bound token, which also needs a
     *         proof), ready for an {@code Authorization} header
     */
    public String authorizationHeader() {
        return authorizationHeader;
    }

    /** @return the first 8 bytes of the SHA-256 of the value, in hex: safe to log, useless to an attacker */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "AccessToken[type=" + tokenType + ", sha256=" + fingerprint() + ", expiresAt=" + expiresAt
                + (scope == null ? "" : ", scope=" + scope) + ", value=redacted]";
    }
}
