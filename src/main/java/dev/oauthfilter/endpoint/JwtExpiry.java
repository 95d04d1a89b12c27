package dev.oauthfilter.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/** Reads the {@code exp} claim of a JWT access token, without verifying it: only to learn its lifetime. */
public final class JwtExpiry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JwtExpiry() {
    }

    /**
     * @param token an access token
     * @return its {@code exp}, or null when it is not a JWT with a numeric {@code exp}
     */
    public static Instant of(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode exp = claims == null ? null : claims.get("exp");
            return exp != null && exp.canConvertToLong() ? Instant.ofEpochSecond(exp.asLong()) : null;
        } catch (IOException | IllegalArgumentException | DateTimeException e) {
            return null;
        }
    }
}
