package dev.oauthfilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (client secret) that never shows itself in {@code toString()}, logs or exception messages.
 *
 * <pre>{@code
 * Secret secret = Secret.of(System.getenv("OAUTH_CLIENT_SECRET"));
 * String s = "" + secret;  // "Secret[redacted]"
 * }</pre>
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret, not null
     * @return the wrapped secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /**
     * Returns the secret itself: only for putting it on the wire.
     *
     * @return the secret value
     */
    public String reveal() {
        return value;
    }

    /** @return whether the secret is empty or blank */
    public boolean isBlank() {
        return value.isBlank();
    }

    // Constant-time comparison: a cache lookup must not become a timing oracle for the secret.
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                        ((Secret) other).value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0x5ec2e7;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
