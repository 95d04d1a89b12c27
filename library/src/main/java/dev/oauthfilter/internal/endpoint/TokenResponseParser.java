package dev.oauthfilter.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Turns a token endpoint's answer into an {@link AccessToken} or a {@link TokenException}. Tolerant where real
 * servers differ ({@code expires_in} as a string, no {@code expires_in} at all), strict where a mistake would send
 * a bad token ({@code token_type}, a missing {@code access_token}). Never copies the body into a message.
 */
final class TokenResponseParser {

    static final Duration MAX_LIFETIME = Duration.ofDays(365);
    private static final Set<String> RETRYABLE_OAUTH_ERRORS = Set.of("temporarily_unavailable", "server_error");
    private static final Logger LOG = Logger.getLogger(TokenResponseParser.class.getName());

    private final OAuthClientConfig config;
    private final Clock clock;
    private volatile boolean bearerWarned;

    TokenResponseParser(OAuthClientConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Parses an answer, redacting the client's secret as it reads now (alone, encoded, in Basic credentials). */
    AccessToken parse(int status, HttpHeaders headers, byte[] body) {
        return parse(status, headers, body, configuredSecret());
    }

    private Redaction configuredSecret() {
        if (config.authentication().secret().isEmpty() || config.authentication().clientId() == null) {
            return Redaction.NONE;
        }
        try {
            String secret = ClientSecrets.reveal(config);
            return Redaction.of(secret).withBasic(config.authentication().clientId(), secret);
        } catch (TokenException unreadable) {
            return Redaction.NONE;
        }
    }

    /**
     * @param sent what the request carried (secret, assertion, subject token) in every form it was sent: an error
     *             answer that echoes any of it has it replaced before it reaches a message
     */
    AccessToken parse(int status, HttpHeaders headers, byte[] body, Redaction sent) {
        if (status < 200 || status > 299) {
            throw errorResponse(status, headers, body, sent);
        }
        JsonNode json = jsonObject(body, headers, status);
        String value = text(json, "access_token");
        if (value == null || value.isBlank()) {
            throw invalid("the response has no access_token", status);
        }
        String type = text(json, "token_type");
        boolean dpop = type != null && type.equalsIgnoreCase("DPoP");
        if (dpop && !config.dpop().enabled()) {
            throw invalid("token_type is DPoP, but the client does not use DPoP; check " + key(ClientSetting.DPOP),
                    status);
        }
        if (type != null && !dpop && !type.equalsIgnoreCase("bearer")) {
            throw invalid("token_type is '" + shorten(type) + "', only Bearer and DPoP are supported", status);
        }
        if (config.dpop().enabled() && !dpop && !bearerWarned) {
            bearerWarned = true;
            LOG.warning(() -> "client '" + config.name() + "': the token endpoint ignores DPoP and issues Bearer"
                    + " tokens, which are sent as such");
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime(json, value, now, status));
        return new AccessToken(value, dpop ? "DPoP" : "Bearer", now, expiresAt, text(json, "scope"));
    }

    private Duration lifetime(JsonNode json, String token, Instant now, int status) {
        JsonNode expiresIn = json.get("expires_in");
        if (expiresIn != null && !expiresIn.isNull()) {
            BigDecimal seconds = seconds(expiresIn);
            if (seconds == null) {
                throw invalid("expires_in is not a number", status);
            }
            if (seconds.compareTo(BigDecimal.ONE) < 0) {
                throw invalid("expires_in must be positive and at least one second, was " + shorten(expiresIn.asText()), status);
            }
            return cap(seconds);
        }
        Instant exp = JwtExpiry.of(token);
        if (exp != null) {
            if (!exp.isAfter(now)) {
                throw invalid("the token's JWT exp claim is already past (" + exp + ")", status);
            }
            long seconds = Duration.between(now, exp).getSeconds();
            if (seconds < 1) {
                // as for expires_in: a token that expires within a second is of no use
                throw invalid("the token's JWT exp claim is less than a second away (" + exp + ")", status);
            }
            return cap(BigDecimal.valueOf(seconds));
        }
        return config.timing().defaultLifetime();
    }

    private static BigDecimal seconds(JsonNode node) {
        try {
            if (node.isNumber()) {
                return node.decimalValue();
            }
            if (node.isTextual()) {
                return new BigDecimal(node.asText().strip());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        return null;
    }

    private static Duration cap(BigDecimal seconds) {
        return seconds.compareTo(BigDecimal.valueOf(MAX_LIFETIME.getSeconds())) > 0
                ? MAX_LIFETIME : Duration.ofMillis(seconds.movePointRight(3).longValue());
    }

    private TokenException errorResponse(int status, HttpHeaders headers, byte[] body, Redaction sent) {
        TokenException.Builder error = TokenException.builder(ErrorCode.TOKEN_ENDPOINT_ERROR)
                .clientName(config.name()).httpStatus(status);
        boolean retryable = status == 429 || status >= 500;
        if (status >= 300 && status < 400) {
            return error.message("the token endpoint answered " + status
                    + " (a redirect); token requests carry credentials and do not follow redirects: "
                    + "configure the final token URL").build();
        }
        JsonNode json = tryJson(body);
        String oauthError = json == null ? null : text(json, "error");
        if (oauthError != null) {
            error.oauthError(sent.apply(oauthError), sent.apply(text(json, "error_description")));
            retryable |= RETRYABLE_OAUTH_ERRORS.contains(oauthError);
        }
        String hint = hint(oauthError, status);
        return error.message("the token endpoint answered " + status + hint)
                .retryable(retryable)
                .retryAfter(retryable ? retryAfter(headers) : null)
                .build();
    }

    /** What to check for the errors that retrying cannot fix (RFC 6749 §5.2). */
    private String hint(String oauthError, int status) {
        if (oauthError == null && (status == 404 || status == 405)) {
            // nothing takes token requests there: the URL is wrong, not the credentials
            return "; no token endpoint at that URL: check " + key(ClientSetting.TOKEN_URL);
        }
        String error = oauthError == null ? (status == 401 ? "invalid_client" : "") : oauthError;
        switch (error) {
            case "invalid_client":
                return "; check the client id and secret, " + key(ClientSetting.CLIENT_ID) + " and "
                        + key(ClientSetting.CLIENT_SECRET) + ", and the authentication method, "
                        + key(ClientSetting.CLIENT_AUTH_METHOD);
            case "unauthorized_client":
                // Keycloak also answers a wrong secret with unauthorized_client: name both causes
                return "; the authorization server does not allow client '" + config.authentication().clientId()
                        + "' the client_credentials grant, or did not accept its credentials: check its registration"
                        + " there (Keycloak: service accounts enabled) and " + key(ClientSetting.CLIENT_SECRET)
                        + " / " + key(ClientSetting.CLIENT_AUTH_METHOD);
            case "invalid_grant":
                return "; the authorization server refused the client_credentials grant for client '"
                        + config.authentication().clientId() + "': check its registration and "
                        + key(ClientSetting.CLIENT_ID);
            case "invalid_scope":
                return "; check " + key(ClientSetting.SCOPE) + " against the scopes the client may request";
            case "invalid_request":
                return "; check " + key(ClientSetting.TOKEN_URL) + ", " + key(ClientSetting.CLIENT_AUTH_METHOD)
                        + " and any " + key(ClientSetting.EXTRA_PARAMETER);
            default:
                return "";
        }
    }

    private Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private JsonNode jsonObject(byte[] body, HttpHeaders headers, int status) {
        if (body.length == 0) {
            throw invalid("the response body is empty", status);
        }
        String contentType = headers.firstValue("Content-Type").orElse("none");
        try {
            JsonNode json = Json.readTree(body);
            if (json == null || !json.isObject()) {
                throw invalid("the response is not a JSON object (Content-Type: " + shorten(contentType) + ")",
                        status);
            }
            return json;
        } catch (StreamConstraintsException e) {
            throw invalid("the response is JSON beyond the parser's limits (nesting, number or string length)",
                    status);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body, and so the token: keep only the position, when there is one
            throw invalid("the response is not valid JSON (Content-Type: " + shorten(contentType)
                    + (e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()) + ")", status);
        } catch (IOException e) {
            throw invalid("the response could not be read as JSON", status);
        }
    }

    private static JsonNode tryJson(byte[] body) {
        try {
            JsonNode json = body.length == 0 ? null : Json.readTree(body);
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static String shorten(String text) {
        return ServerText.clean(text);
    }

    /** How the message names a setting to whoever configured the client. */
    private String key(ClientSetting setting) {
        return config.settingNames().of(setting);
    }

    private TokenException invalid(String message, int status) {
        return TokenException.builder(ErrorCode.INVALID_TOKEN_RESPONSE).clientName(config.name())
                .httpStatus(status).message(message).build();
    }
}
