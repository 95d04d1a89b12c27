package dev.oauthfilter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why no token could be had: a stable {@link #code()}, the client it concerns, the OAuth {@code error} and
 * {@code error_description} when the token endpoint sent them, and whether retrying can help.
 *
 * <p>Messages never contain the client secret, a token, or a raw token-endpoint body. Through a JAX-RS client this
 * exception arrives as the cause of a {@link jakarta.ws.rs.ProcessingException}.
 *
 * <pre>{@code
 * try {
 *     tokens.token();
 * } catch (TokenException e) {
 *     if ("TOKEN_ENDPOINT_ERROR".equals(e.code()) && e.oauthError().orElse("").equals("invalid_client")) { ... }
 * }
 * }</pre>
 */
public class TokenException extends RuntimeException {

    private static final int MAX_SERVER_TEXT = 200;

    /** The stable code. */
    private final ErrorCode errorCode;
    /** What went wrong and what to check, without the code and client name that the message adds. */
    private final String detail;
    /** The configured client's name, or null when not known. */
    private final String clientName;
    /** The OAuth {@code error} the token endpoint sent, control characters replaced and capped, or null. */
    private final String oauthError;
    /** The OAuth {@code error_description}, control characters replaced and capped, or null. */
    private final String oauthErrorDescription;
    /** The token endpoint's HTTP status, or 0 when there was no answer. */
    private final int httpStatus;
    /** Whether the same request may succeed later. */
    private final boolean retryable;
    /** The delay the token endpoint asked for ({@code Retry-After}), or null. */
    private final Duration retryAfter;

    private TokenException(Builder builder) {
        super(compose(builder), builder.cause);
        this.errorCode = builder.errorCode;
        this.detail = builder.message;
        this.clientName = builder.clientName;
        this.oauthError = builder.oauthError;
        this.oauthErrorDescription = builder.oauthErrorDescription;
        this.httpStatus = builder.httpStatus;
        this.retryable = builder.retryable;
        this.retryAfter = builder.retryAfter;
    }

    /**
     * Starts a new exception.
     *
     * @param code the stable code
     * @return a builder
     */
    public static Builder builder(ErrorCode code) {
        return new Builder(code);
    }

    /** @return the stable upper-case code, e.g. {@code MISSING_CLIENT_ID} or {@code TOKEN_ENDPOINT_ERROR} */
    public String code() {
        return errorCode.name();
    }

    /** @return the code as an enum */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** @return the name of the configured client this failure concerns, when known */
    public Optional<String> clientName() {
        return Optional.ofNullable(clientName);
    }

    /** @return the OAuth {@code error} sent by the token endpoint (RFC 6749 §5.2), e.g. {@code invalid_client} */
    public Optional<String> oauthError() {
        return Optional.ofNullable(oauthError);
    }

    /** @return the OAuth {@code error_description}, shortened and stripped of control characters */
    public Optional<String> oauthErrorDescription() {
        return Optional.ofNullable(oauthErrorDescription);
    }

    /** @return the HTTP status the token endpoint answered with, or 0 when there was no answer */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return whether the same request may succeed later (outage, 5xx, 429, timeout) */
    public boolean isRetryable() {
        return retryable;
    }

    /** @return how long the token endpoint asked to wait ({@code Retry-After}), when it did */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * A copy for another caller: same code and details, this exception as the cause, so that every caller that
     * shared one failed token request gets an exception with its own stack trace.
     *
     * @return the copy
     */
    public TokenException forCaller() {
        return new Builder(errorCode).from(this).cause(this).build();
    }

    private static String compose(Builder b) {
        StringBuilder text = new StringBuilder(b.errorCode.name());
        if (b.clientName != null) {
            text.append(" [client '").append(b.clientName).append("']");
        }
        text.append(": ").append(b.message);
        if (b.oauthError != null) {
            text.append(" (error=").append(b.oauthError);
            if (b.oauthErrorDescription != null) {
                text.append(", error_description=").append(b.oauthErrorDescription);
            }
            text.append(')');
        }
        return text.toString();
    }

    /** Builds a {@link TokenException}. */
    public static final class Builder {
        private final ErrorCode errorCode;
        private String message = "no token";
        private String clientName;
        private String oauthError;
        private String oauthErrorDescription;
        private int httpStatus;
        private boolean retryable;
        private Duration retryAfter;
        private Throwable cause;

        private Builder(ErrorCode errorCode) {
            this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
            this.retryable = errorCode.retryableByDefault();
        }

        private Builder from(TokenException other) {
            this.message = other.detail;
            this.clientName = other.clientName;
            this.oauthError = other.oauthError;
            this.oauthErrorDescription = other.oauthErrorDescription;
            this.httpStatus = other.httpStatus;
            this.retryable = other.retryable;
            this.retryAfter = other.retryAfter;
            return this;
        }

        /**
         * @param message what went wrong and what to check; never a secret, a token or a raw body
         * @return this builder
         */
        public Builder message(String message) {
            this.message = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * @param clientName the configured client name
         * @return this builder
         */
        public Builder clientName(String clientName) {
            this.clientName = clientName;
            return this;
        }

        /**
         * @param error       the OAuth {@code error}, or null
         * @param description the OAuth {@code error_description}, or null
         * @return this builder
         */
        public Builder oauthError(String error, String description) {
            this.oauthError = serverText(error);
            this.oauthErrorDescription = serverText(description);
            return this;
        }

        /**
         * @param status the HTTP status of the token endpoint's answer
         * @return this builder
         */
        public Builder httpStatus(int status) {
            this.httpStatus = status;
            return this;
        }

        /**
         * @param retryable whether retrying can help
         * @return this builder
         */
        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        /**
         * @param retryAfter the delay the server asked for, or null
         * @return this builder
         */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
            return this;
        }

        /**
         * @param cause the underlying failure; must not carry a secret or token in its message
         * @return this builder
         */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /** @return the exception */
        public TokenException build() {
            return new TokenException(this);
        }

        // Text chosen by the server ends up in logs: strip control characters (log forging) and bound its length.
        private static String serverText(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            String clean = text.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ").strip();
            return clean.length() <= MAX_SERVER_TEXT ? clean : clean.substring(0, MAX_SERVER_TEXT) + "...";
        }
    }
}
