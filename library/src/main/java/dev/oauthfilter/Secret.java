package dev.oauthfilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret value (client secret) that never shows itself in {@code toString()}, logs or exception messages. It is
 * either a value, or a file read anew each time the secret is used, so that a rotated secret (a Kubernetes secret
 * volume, a file rewritten by a vault agent) is picked up on the next token request without a restart.
 *
 * <pre>{@code
 * Secret secret = Secret.of(System.getenv("OAUTH_CLIENT_SECRET"));
 * Secret rotating = Secret.fromFile(Path.of("/var/run/secrets/oauth/client-secret"));
 * String s = "" + secret;  // "Secret[redacted]"
 * }</pre>
 */
public final class Secret {

    private final String value;
    private final Path file;

    private Secret(String value, Path file) {
        this.value = value;
        this.file = file;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret, not null
     * @return the wrapped secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"), null);
    }

    /**
     * A secret kept in a file, read (and stripped of surrounding white space) each time it is used.
     *
     * @param file the file
     * @return the secret
     */
    public static Secret fromFile(Path file) {
        return new Secret(null, Objects.requireNonNull(file, "file"));
    }

    /**
     * Returns the secret itself: only for putting it on the wire.
     *
     * @return the secret value
     * @throws TokenException with {@link ErrorCode#MISSING_SECRET} when the secret file cannot be read
     */
    public String reveal() {
        if (file == null) {
            return value;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | SecurityException e) {
            throw TokenException.builder(ErrorCode.MISSING_SECRET)
                    .message("cannot read the client secret file " + file + " (" + e.getClass().getSimpleName() + ")")
                    .build();
        }
    }

    /** @return whether the secret is empty or blank (a secret file is read to tell) */
    public boolean isBlank() {
        return reveal().isBlank();
    }

    /** @return the file the secret is read from, if it is kept in one */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    // Constant-time comparison: a cache lookup must not become a timing oracle for the secret. Two file secrets are
    // the same secret when they are the same file, whatever it holds at the moment.
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Secret)) {
            return false;
        }
        Secret that = (Secret) other;
        if (file != null || that.file != null) {
            return Objects.equals(file, that.file);
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return file == null ? 0x5ec2e7 : file.hashCode();
    }

    @Override
    public String toString() {
        return file == null ? "Secret[redacted]" : "Secret[file=" + file + "]";
    }
}
