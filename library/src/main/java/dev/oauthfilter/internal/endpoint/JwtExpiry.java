package dev.oauthfilter.internal.endpoint;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/** Reads the {@code exp} claim of a JWT access token, without verifying it: only to learn its lifetime. */
public final class JwtExpiry {

    private JwtExpiry() {
    }

    /**
     * @param token an access token
     * @return its {@code exp}, or null when it is not a JWT with an {@code exp} claim
     */
    public static Instant of(String token) {
        try {
            JWTClaimsSet claims = JWTParser.parse(token).getJWTClaimsSet();
            Date exp = claims == null ? null : claims.getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException | RuntimeException notAJwtWithExp) {
            return null;
        }
    }
}
