package dev.oauthfilter;

/**
 * Stable codes of {@link TokenException}. Their names never change; match on them, not on messages.
 */
public enum ErrorCode {
    /** No client id configured. */
    MISSING_CLIENT_ID(false),
    /** No client secret configured. */
    MISSING_SECRET(false),
    /** {@code private_key_jwt} or {@code mca_certificate} without a private key (or certificate). */
    MISSING_CLIENT_KEY(false),
    /** No token endpoint: neither a token URL, an MCA server URL nor an App ID OAuth server URL. */
    MISSING_SERVER_URL(false),
    /** An MCA server URL without a tenant id. */
    MISSING_TENANT_ID(false),
    /** A plain {@code http} token endpoint on a non-loopback host without {@code allowInsecureHttp}. */
    INSECURE_TOKEN_URL(false),
    /** A setting has a value that cannot be used (bad duration, relative URL, unknown method...). */
    INVALID_SETTING(false),
    /** The token endpoint answered with an error status (the OAuth {@code error} is attached when sent). */
    TOKEN_ENDPOINT_ERROR(false),
    /** The token endpoint answered 2xx with a body that is not a usable token response. */
    INVALID_TOKEN_RESPONSE(false),
    /** The issuer's metadata (OpenID Connect Discovery / RFC 8414) could not be fetched or used. */
    DISCOVERY_FAILED(true),
    /** The token endpoint could not be reached or did not answer in time. */
    TOKEN_ENDPOINT_UNREACHABLE(true),
    /** Token propagation is configured, and the current incoming request carries no bearer token. */
    NO_INCOMING_TOKEN(false),
    /** The calling thread was interrupted while it waited for a token. */
    INTERRUPTED(true),
    /** An unexpected failure inside the library; a bug. */
    INTERNAL_ERROR(false);

    private final boolean retryableByDefault;

    ErrorCode(boolean retryableByDefault) {
        this.retryableByDefault = retryableByDefault;
    }

    /** @return whether a failure with this code is, unless the failure says otherwise, worth retrying */
    public boolean retryableByDefault() {
        return retryableByDefault;
    }
}
