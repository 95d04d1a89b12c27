package dev.oauthfilter;

/**
 * A setting of a client, by the part of {@link OAuthClientConfig} it belongs to: what a message names when the
 * setting is missing, bad, or worth checking after the token endpoint refused. How the message names it depends on
 * who configured the client ({@link SettingNames}): the builder's method ({@link #builderMethod()}), or a key of
 * another source of configuration.
 *
 * <pre>{@code
 * ClientSetting.CLIENT_ID.builderMethod();   // "clientId(...)"
 * }</pre>
 */
public enum ClientSetting {
    // TokenEndpoint
    /** The token endpoint URL. */
    TOKEN_URL("tokenUrl"),
    /** The Mobile Client Access server URL. */
    SERVER_URL("serverUrl"),
    /** The Mobile Client Access tenant id. */
    TENANT_ID("tenantId"),
    /** IBM App ID's {@code oauthServerUrl}. */
    OAUTH_SERVER_URL("oauthServerUrl"),
    /** The issuer whose metadata names the token endpoint. */
    ISSUER("issuer"),
    /** The metadata document that names the token endpoint. */
    DISCOVERY_URL("discoveryUrl"),
    /** Whether a plain-http token endpoint on a non-loopback host is accepted. */
    ALLOW_INSECURE_HTTP("allowInsecureHttp"),
    // ClientAuthentication
    /** The client id. */
    CLIENT_ID("clientId"),
    /** The client secret. */
    CLIENT_SECRET("clientSecret"),
    /** The file the client secret is read from. */
    CLIENT_SECRET_FILE("clientSecretFile"),
    /** How the client authenticates. */
    CLIENT_AUTH_METHOD("clientAuthMethod"),
    /** The client's private key (and certificate). */
    CLIENT_KEY("clientKey"),
    /** The file holding the client's assertion (workload identity). */
    CLIENT_ASSERTION_FILE("clientAssertionFile"),
    // TokenRequestParameters
    /** The {@code scope} asked for. */
    SCOPE("scope"),
    /** The {@code audience} asked for. */
    AUDIENCE("audience"),
    /** The RFC 8707 {@code resource} indicators asked for. */
    RESOURCE("resource"),
    /** Extra form parameters of every token request. */
    EXTRA_PARAMETER("extraParameter"),
    // Timing
    /** The connect timeout. */
    CONNECT_TIMEOUT("connectTimeout"),
    /** The read timeout. */
    READ_TIMEOUT("readTimeout"),
    /** The longest wait for a token. */
    ACQUISITION_TIMEOUT("acquisitionTimeout"),
    /** How long before expiry a refresh starts. */
    REFRESH_BEFORE("refreshBefore"),
    /** The lifetime assumed when the server gives none. */
    DEFAULT_LIFETIME("defaultLifetime"),
    /** Token requests per acquisition. */
    MAX_ATTEMPTS("maxAttempts"),
    /** The first delay between attempts. */
    RETRY_BACKOFF("retryBackoff"),
    /** How long a failure is handed on without a new request. */
    FAILURE_COOLDOWN("failureCooldown"),
    /** The longest {@code Retry-After} honoured. */
    MAX_RETRY_AFTER("maxRetryAfter"),
    // ClientPolicy
    /** Where the client's token may go. */
    ALLOWED_HOST("allowedHost"),
    /** Whether a 401 is replayed with a new token. */
    RETRY_ON_UNAUTHORIZED("retryOnUnauthorized"),
    // Tls
    /** What the TLS context for the token endpoint trusts. */
    TLS_TRUST("sslContext"),
    /** The key the TLS context presents to the token endpoint (mutual TLS). */
    TLS_KEY("sslContext"),
    /** The certificate the TLS context presents. */
    TLS_CLIENT_CERTIFICATE("tlsClientCertificate"),
    // DPoP
    /** Whether tokens are bound to a key with DPoP. */
    DPOP("dpop"),
    /** The configured DPoP key. */
    DPOP_KEY("dpopKey");

    private final String builderMethod;

    ClientSetting(String builderMethod) {
        this.builderMethod = builderMethod;
    }

    /** @return the {@link OAuthClientConfig.Builder} method that sets it, e.g. {@code clientId(...)} */
    public String builderMethod() {
        return builderMethod + "(...)";
    }
}
