package dev.oauthfilter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The immutable description of one OAuth 2.0 client-credentials client: where its token endpoint is, how it
 * authenticates, what it asks for, and its timing. Validated when built; every missing or bad setting is a
 * {@link TokenException} with its own {@link ErrorCode} and the configuration key to fix.
 *
 * <pre>{@code
 * OAuthClientConfig config = OAuthClientConfig.builder()
 *         .tokenUrl(URI.create("https://as.example.com/oauth/token"))
 *         // or the MCA layout: .serverUrl(URI.create("https://mca.example.com/imf-authserver")).tenantId("tenant")
 *         .clientId("my-client")
 *         .clientSecret("my-secret")
 *         .scope("read write")
 *         .build();
 * }</pre>
 */
public final class OAuthClientConfig {

    /** The name of the client configured by the un-prefixed {@code oauth.*} keys. */
    public static final String DEFAULT_NAME = "default";

    private final String name;
    private final EndpointLayout layout;
    private final URI tokenEndpoint;
    private final URI issuer;
    private final URI discoveryUrl;
    private final boolean allowInsecureHttp;
    private final String clientId;
    private final Secret clientSecret;
    private final ClientAuthMethod clientAuthMethod;
    private final ClientKey clientKey;
    private final Path clientAssertionFile;
    private final String scope;
    private final String audience;
    private final List<String> resources;
    private final Map<String, String> extraParameters;
    private final Timing timing;
    private final ClientPolicy policy;
    private final SSLContext sslContext;
    private final X509Certificate tlsClientCertificate;
    private final boolean dpop;
    private final ClientKey dpopKey;
    private final int cacheSize;
    private final List<Object> cacheKey;
    private final List<Object> sourceKey;

    private OAuthClientConfig(Builder b, EndpointLayout layout, URI tokenEndpoint) {
        this.name = b.name;
        this.layout = layout;
        this.tokenEndpoint = tokenEndpoint;
        this.issuer = layout == EndpointLayout.DISCOVERY ? b.issuer : null;
        this.discoveryUrl = layout == EndpointLayout.DISCOVERY ? b.discoveryUrl : null;
        this.allowInsecureHttp = b.allowInsecureHttp;
        this.clientId = b.clientId != null && !b.clientId.isBlank() ? b.clientId
                : b.clientKey == null ? null : b.clientKey.certificateCommonName().orElse(null);
        this.clientKey = b.clientKey;
        this.clientAssertionFile = b.clientAssertionFile;
        this.clientSecret = b.clientSecret;
        this.clientAuthMethod = b.effectiveAuthMethod();
        this.scope = b.scope;
        this.audience = b.audience;
        this.resources = List.copyOf(b.resources);
        this.extraParameters = Collections.unmodifiableMap(new TreeMap<>(b.extraParameters));
        this.timing = new Timing(b);
        this.policy = ClientPolicy.checked(b.allowedHosts, b.retryOnUnauthorized);
        this.sslContext = b.sslContext;
        this.tlsClientCertificate = b.tlsClientCertificate;
        this.dpop = b.dpop || b.dpopKey != null;
        this.dpopKey = b.dpopKey;
        this.cacheSize = b.cacheSize;
        this.cacheKey = List.of(tokenEndpoint, layout, String.valueOf(clientId), Optional.ofNullable(clientSecret),
                Optional.ofNullable(clientKey), Optional.ofNullable(clientAssertionFile), clientAuthMethod,
                Optional.ofNullable(scope), Optional.ofNullable(audience), resources, extraParameters, dpop,
                Optional.ofNullable(dpopKey));
        this.sourceKey = List.of(cacheKey, Optional.ofNullable(issuer), Optional.ofNullable(discoveryUrl),
                allowInsecureHttp, Optional.ofNullable(sslContext), timing.values());
    }

    /** @return a builder for the client named {@value #DEFAULT_NAME} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the client's name: {@value #DEFAULT_NAME}, or the {@code <name>} of {@code oauth.<name>.*} keys */
    public String name() {
        return name;
    }

    /** @return which endpoint layout the settings describe */
    public EndpointLayout layout() {
        return layout;
    }

    /**
     * @return the token endpoint URL; for {@link EndpointLayout#DISCOVERY}, the metadata document that names it
     *         (the token endpoint itself is discovered on first use)
     */
    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /** @return the issuer whose metadata names the token endpoint, when discovery is configured with one */
    public Optional<URI> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** @return the metadata document URL, when discovery is configured with one instead of an issuer */
    public Optional<URI> discoveryUrl() {
        return Optional.ofNullable(discoveryUrl);
    }

    /**
     * @param host a host a token request would go to
     * @return whether plain http may be used there: on loopback, or with {@code allow-insecure-http}
     */
    public boolean permitsPlainHttpTo(String host) {
        return allowInsecureHttp || ConfigValidator.isLoopback(host);
    }

    /** @return the client id */
    public String clientId() {
        return clientId;
    }

    /** @return the client secret (redacted in {@code toString()}); empty for the key-based authentication methods */
    public Optional<Secret> clientSecret() {
        return Optional.ofNullable(clientSecret);
    }

    /** @return the client's private key (and certificate), for the key-based authentication methods */
    public Optional<ClientKey> clientKey() {
        return Optional.ofNullable(clientKey);
    }

    /** @return how the client authenticates at the token endpoint */
    public ClientAuthMethod clientAuthMethod() {
        return clientAuthMethod;
    }

    /** @return the {@code scope} form parameter, when set */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /** @return the {@code audience} form parameter, when set */
    public Optional<String> audience() {
        return Optional.ofNullable(audience);
    }

    /** @return the RFC 8707 {@code resource} form parameters, in order */
    public List<String> resources() {
        return resources;
    }

    /** @return extra form parameters sent with every token request, sorted by name */
    public Map<String, String> extraParameters() {
        return extraParameters;
    }

    /** @return connect timeout for the token endpoint */
    public Duration connectTimeout() {
        return timing.connectTimeout;
    }

    /** @return how long one token request may wait for the response */
    public Duration readTimeout() {
        return timing.readTimeout;
    }

    /** @return the longest any caller waits for a token, retries included */
    public Duration acquisitionTimeout() {
        return timing.acquisitionTimeout;
    }

    /** @return how long before expiry a background refresh starts (at most half the token's lifetime) */
    public Duration refreshBefore() {
        return timing.refreshBefore;
    }

    /** @return the lifetime assumed when the server gives neither {@code expires_in} nor a JWT {@code exp} */
    public Duration defaultLifetime() {
        return timing.defaultLifetime;
    }

    /** @return how many times one acquisition tries the token endpoint on transient failures */
    public int maxAttempts() {
        return timing.maxAttempts;
    }

    /** @return the first delay between attempts; doubled each time, with jitter */
    public Duration retryBackoff() {
        return timing.retryBackoff;
    }

    /** @return after a failed token request, how long callers without a valid token get that failure at once */
    public Duration failureCooldown() {
        return timing.failureCooldown;
    }

    /**
     * @return the longest {@code Retry-After} honoured: a server asking for more (a day, or a value that overflows)
     *         is waited for this long at most
     */
    public Duration maxRetryAfter() {
        return timing.maxRetryAfter;
    }

    /** @return the hosts / base URIs this client's tokens may be sent to; empty means no restriction */
    public List<String> allowedHosts() {
        return policy.allowedHosts();
    }

    /**
     * @param target a request URI
     * @return whether this client's token may be sent there ({@link #allowedHosts()})
     */
    public boolean allowsTarget(URI target) {
        return policy.allows(target);
    }

    /** @return the TLS context for the token endpoint; empty for the JVM default ({@code SSLContext.getDefault()}) */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /**
     * @return the certificate that {@link #sslContext()} presents to the token endpoint (mutual TLS), when known: a
     *         server may bind tokens to it ({@code cnf.x5t#S256}), so a fleet shares tokens only among replicas that
     *         present the same one
     */
    public Optional<X509Certificate> tlsClientCertificate() {
        return Optional.ofNullable(tlsClientCertificate);
    }

    /** @return whether a 401 from the protected service makes the filter get a new token and replay the request once */
    public boolean retryOnUnauthorized() {
        return policy.retryOnUnauthorized();
    }

    /**
     * @return a file holding a JWT issued to this client by someone else (a Kubernetes projected service-account
     *         token, a SPIFFE JWT-SVID), sent as its {@code private_key_jwt} client assertion and read anew for
     *         every token request
     */
    public Optional<Path> clientAssertionFile() {
        return Optional.ofNullable(clientAssertionFile);
    }

    /**
     * @return whether tokens are bound to a key of this client with DPoP (RFC 9449): every token request and every
     *         request that carries a token has a proof signed with that key
     */
    public boolean dpop() {
        return dpop;
    }

    /**
     * @return the DPoP key configured for this client (its private key and the certificate that carries its public
     *         key); empty when each token source generates its own in memory
     */
    public Optional<ClientKey> dpopKey() {
        return Optional.ofNullable(dpopKey);
    }

    /** @return the number of clients whose tokens the shared cache keeps (the largest configured wins) */
    public int cacheSize() {
        return cacheSize;
    }

    /**
     * The MicroProfile Config key of a setting of this client, for messages: {@code oauth.client-id} for the
     * default client, {@code oauth.<name>.client-id} for a named one.
     *
     * @param setting the setting, e.g. {@code client-id}
     * @return the key
     */
    public String configKey(String setting) {
        return configKey(name, setting);
    }

    /**
     * @param name    a client name
     * @param setting a setting, e.g. {@code client-id}
     * @return its MicroProfile Config key: {@code oauth.<setting>} or {@code oauth.<name>.<setting>}
     */
    public static String configKey(String name, String setting) {
        return DEFAULT_NAME.equals(name) ? "oauth." + setting : "oauth." + name + "." + setting;
    }

    /**
     * Everything that makes a token, or the way it is fetched, different: the token's own key plus the discovery
     * settings, the TLS context and every timeout and retry setting. Configurations with equal keys share one token
     * source (and token); the client's rules (allowed hosts, 401 replay) are not part of it.
     *
     * @return a value whose {@code equals} tells equivalent token sources apart, and which prints no secret
     */
    public Object sourceKey() {
        return sourceKey;
    }

    /** @return the client's rules for the filter: where its token may go, whether a 401 is replayed */
    public ClientPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return "OAuthClientConfig[name=" + name + ", layout=" + layout + ", tokenEndpoint=" + tokenEndpoint
                + ", clientId=" + clientId + (clientSecret == null ? "" : ", clientSecret=" + clientSecret)
                + (clientKey == null ? "" : ", clientKey=" + clientKey)
                + (clientAssertionFile == null ? "" : ", clientAssertionFile=" + clientAssertionFile)
                + ", clientAuthMethod="
                + clientAuthMethod + (scope == null ? "" : ", scope=" + scope)
                + (audience == null ? "" : ", audience=" + audience)
                + (resources.isEmpty() ? "" : ", resources=" + resources)
                + (dpop ? ", dpop" + (dpopKey == null ? "" : "=" + dpopKey) : "")
                + (extraParameters.isEmpty() ? "" : ", extraParameters=" + extraParameters.keySet())
                + (policy.allowedHosts().isEmpty() ? "" : ", allowedHosts=" + policy.allowedHosts()) + "]";
    }

    private static final class Timing {
        final Duration connectTimeout;
        final Duration readTimeout;
        final Duration acquisitionTimeout;
        final Duration refreshBefore;
        final Duration defaultLifetime;
        final int maxAttempts;
        final Duration retryBackoff;
        final Duration failureCooldown;
        final Duration maxRetryAfter;

        Timing(Builder b) {
            this.connectTimeout = b.connectTimeout;
            this.readTimeout = b.readTimeout;
            this.acquisitionTimeout = b.acquisitionTimeout;
            this.refreshBefore = b.refreshBefore;
            this.defaultLifetime = b.defaultLifetime;
            this.maxAttempts = b.maxAttempts;
            this.retryBackoff = b.retryBackoff;
            this.failureCooldown = b.failureCooldown;
            this.maxRetryAfter = b.maxRetryAfter;
        }

        List<Object> values() {
            return List.of(connectTimeout, readTimeout, acquisitionTimeout, refreshBefore, defaultLifetime, maxAttempts,
                    retryBackoff, failureCooldown, maxRetryAfter);
        }
    }

    /**
     * Builds an {@link OAuthClientConfig}; {@link #build()} validates. Not thread-safe.
     *
     * <pre>{@code
     * OAuthClientConfig mca = OAuthClientConfig.builder()
     *         .serverUrl(URI.create("https://mca.example.com/imf-authserver"))
     *         .tenantId("a1b2c3")
     *         .clientId("a1b2c3")
     *         .clientSecret(System.getenv("MCA_SECRET"))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private URI tokenUrl;
        private URI serverUrl;
        private String tenantId;
        private URI oauthServerUrl;
        private URI issuer;
        private URI discoveryUrl;
        private String clientId;
        private Secret clientSecret;
        private ClientAuthMethod clientAuthMethod = ClientAuthMethod.CLIENT_SECRET_BASIC;
        private ClientKey clientKey;
        private Path clientAssertionFile;
        private boolean authMethodSet;
        private String scope;
        private String audience;
        private final List<String> resources = new ArrayList<>();
        private final Map<String, String> extraParameters = new TreeMap<>();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private Duration acquisitionTimeout = Duration.ofSeconds(30);
        private Duration refreshBefore = Duration.ofSeconds(60);
        private Duration defaultLifetime = Duration.ofMinutes(5);
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration failureCooldown = Duration.ofSeconds(2);
        private Duration maxRetryAfter = Duration.ofMinutes(5);
        private final List<String> allowedHosts = new ArrayList<>();
        private boolean retryOnUnauthorized = true;
        private boolean dpop;
        private ClientKey dpopKey;
        private SSLContext sslContext;
        private X509Certificate tlsClientCertificate;
        private int cacheSize = 100;
        private boolean allowInsecureHttp;

        private Builder() {
        }

        /**
         * @param name the client name, used in messages and config keys; default {@value #DEFAULT_NAME}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param tokenUrl any OAuth 2.0 token endpoint; wins over {@code serverUrl} and {@code oauthServerUrl}
         * @return this builder
         */
        public Builder tokenUrl(URI tokenUrl) {
            this.tokenUrl = tokenUrl;
            return this;
        }

        /**
         * @param serverUrl the MCA authorization server URL; needs {@link #tenantId(String)}
         * @return this builder
         */
        public Builder serverUrl(URI serverUrl) {
            this.serverUrl = serverUrl;
            return this;
        }

        /**
         * @param tenantId the MCA tenant id (the seed SDK's {@code appId})
         * @return this builder
         */
        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /**
         * @param oauthServerUrl IBM App ID's {@code oauthServerUrl}; the token endpoint is {@code {it}/token}
         * @return this builder
         */
        public Builder oauthServerUrl(URI oauthServerUrl) {
            this.oauthServerUrl = oauthServerUrl;
            return this;
        }

        /**
         * @param issuer an OpenID Connect / RFC 8414 issuer: the token endpoint is found in its metadata on first use
         *               ({@code {issuer}/.well-known/openid-configuration}, then
         *               {@code /.well-known/oauth-authorization-server{path}}); a {@link #tokenUrl(URI)} wins
         * @return this builder
         */
        public Builder issuer(URI issuer) {
            this.issuer = issuer;
            return this;
        }

        /**
         * @param discoveryUrl the metadata document to read the token endpoint from, when it is elsewhere
         * @return this builder
         */
        public Builder discoveryUrl(URI discoveryUrl) {
            this.discoveryUrl = discoveryUrl;
            return this;
        }

        /**
         * @param clientId the client id
         * @return this builder
         */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /**
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret == null ? null : Secret.of(clientSecret);
            return this;
        }

        /**
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder clientSecret(Secret clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * @param file a file holding the client secret, read on every token request (a rotated secret is picked up
         *             without a restart); replaces a secret set before
         * @return this builder
         */
        public Builder clientSecretFile(Path file) {
            if (file != null) {
                this.clientSecret = Secret.fromFile(file);
            }
            return this;
        }

        /**
         * @param key the client's private key (and certificate) for {@link ClientAuthMethod#PRIVATE_KEY_JWT} and
         *            {@link ClientAuthMethod#MCA_CERTIFICATE}
         * @return this builder
         */
        public Builder clientKey(ClientKey key) {
            this.clientKey = key;
            return this;
        }

        /**
         * @param method how to authenticate; default {@link ClientAuthMethod#CLIENT_SECRET_BASIC}
         * @return this builder
         */
        public Builder clientAuthMethod(ClientAuthMethod method) {
            this.clientAuthMethod = method;
            this.authMethodSet = true;
            return this;
        }

        /**
         * Workload identity: the client authenticates with a JWT that someone else issued to it and keeps fresh in
         * a file (a Kubernetes projected service-account token, a SPIFFE JWT-SVID), sent as
         * {@code client_assertion} ({@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer}) and read anew
         * for every token request, so that a rotated one is used at once. Implies
         * {@link ClientAuthMethod#PRIVATE_KEY_JWT}; no secret or key of the client's own.
         *
         * @param file the file, e.g. {@code /var/run/secrets/tokens/oauth}
         * @return this builder
         */
        public Builder clientAssertionFile(Path file) {
            this.clientAssertionFile = file;
            return this;
        }

        /** The method set, else private_key_jwt with a client assertion file, else the default. */
        ClientAuthMethod effectiveAuthMethod() {
            return clientAssertionFile != null && !authMethodSet ? ClientAuthMethod.PRIVATE_KEY_JWT : clientAuthMethod;
        }

        /**
         * @param scope space-separated scopes to request, or null
         * @return this builder
         */
        public Builder scope(String scope) {
            this.scope = blankToNull(scope);
            return this;
        }

        /**
         * @param audience the {@code audience} parameter (Auth0, Keycloak, ...), or null
         * @return this builder
         */
        public Builder audience(String audience) {
            this.audience = blankToNull(audience);
            return this;
        }

        /**
         * @param resource an RFC 8707 {@code resource} indicator; may be called several times
         * @return this builder
         */
        public Builder resource(String resource) {
            this.resources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Adds a form parameter sent with every token request, for what the other settings do not cover; a parameter
         * the library sets itself (e.g. {@code grant_type}, {@code scope}) is refused by {@link #build()}.
         *
         * @param name  the form parameter's name; a second call with the same name replaces the value
         * @param value its value
         * @return this builder
         */
        public Builder extraParameter(String name, String value) {
            this.extraParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param timeout TCP connect timeout; default 5 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long one token request waits for its response; default 10 s
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /**
         * @param timeout the longest a caller ever waits for a token, retries included; default 30 s
         * @return this builder
         */
        public Builder acquisitionTimeout(Duration timeout) {
            this.acquisitionTimeout = timeout;
            return this;
        }

        /**
         * @param refreshBefore start refreshing this long before expiry (at most half the lifetime); 60 s
         * @return this builder
         */
        public Builder refreshBefore(Duration refreshBefore) {
            this.refreshBefore = refreshBefore;
            return this;
        }

        /**
         * @param lifetime assumed when the server gives no {@code expires_in} and no JWT {@code exp}; 5 min
         * @return this builder
         */
        public Builder defaultLifetime(Duration lifetime) {
            this.defaultLifetime = lifetime;
            return this;
        }

        /**
         * @param attempts token requests per acquisition on transient failures; default 3
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff first delay between attempts, doubled each time with jitter; default 200 ms
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        /**
         * @param cooldown after a failed token request, how long callers that have no valid token get the same
         *                 failure at once instead of a new request (longer if the server sent Retry-After); 2 s
         * @return this builder
         */
        public Builder failureCooldown(Duration cooldown) {
            this.failureCooldown = cooldown;
            return this;
        }

        /**
         * @param limit the longest {@code Retry-After} (from a 429 or 5xx of the token endpoint) that is honoured,
         *              for the cooldown, the retry backoff and the background refresh; 5 minutes
         * @return this builder
         */
        public Builder maxRetryAfter(Duration limit) {
            this.maxRetryAfter = limit;
            return this;
        }

        /**
         * @param target a host ({@code api.example.com}), a wildcard ({@code *.example.com}) or a base URI
         *               ({@code https://api.example.com/notes}) the token may be sent to; once one is given, requests
         *               to anywhere else get no token
         * @return this builder
         */
        public Builder allowedHost(String target) {
            this.allowedHosts.add(Objects.requireNonNull(target, "target").strip());
            return this;
        }

        /**
         * @param retry whether a 401 answer makes the filter invalidate the token, get a new one and replay the
         *              request once (idempotent methods with a replayable entity only); default true
         * @return this builder
         */
        public Builder retryOnUnauthorized(boolean retry) {
            this.retryOnUnauthorized = retry;
            return this;
        }

        /**
         * @param context the TLS context for the token endpoint, e.g. one trusting a private CA; default the JVM's
         *                ({@code SSLContext.getDefault()}; note that in Open Liberty with {@code transportSecurity-1.0}
         *                that is the JDK's, not Liberty's {@code defaultSSLConfig})
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /**
         * Names the certificate that the {@link #sslContext(SSLContext) TLS context} presents to the token endpoint
         * (mutual TLS; the {@code tls.key-store} keys set it for you). A server may bind tokens to that certificate
         * ({@code cnf.x5t#S256}, RFC 8705): a fleet ({@link TokenCache.Builder#sharedVia}) then shares a token only
         * among replicas presenting the same certificate. Without it, replicas whose contexts present different
         * certificates would share one token that the server accepts from one of them only.
         *
         * @param certificate the client certificate of the TLS context
         * @return this builder
         */
        public Builder tlsClientCertificate(X509Certificate certificate) {
            this.tlsClientCertificate = certificate;
            return this;
        }

        /**
         * @param dpop bind tokens to a key of this client with DPoP (RFC 9449); default false. The key (ES256) is
         *             generated in memory for each token source; token requests and every request the filter
         *             authorises carry a proof, and a server's nonce is honoured. Programmatic callers use
         *             {@link TokenProvider#authorization(String, URI)}, which gives both headers.
         * @return this builder
         */
        public Builder dpop(boolean dpop) {
            this.dpop = dpop;
            return this;
        }

        /**
         * Binds tokens with DPoP to this key instead of one generated per token source (implies {@link #dpop(boolean)
         * dpop(true)}): every replica of an application that holds the same key can use the same token, which is what
         * lets a fleet share DPoP-bound tokens ({@link TokenCache.Builder#sharedVia}).
         *
         * @param key an EC P-256 key (ES256) with its certificate, from which the proofs take the public key, e.g.
         *            {@code ClientKey.fromKeyStore(path, password, alias, "PKCS12")}
         * @return this builder
         */
        public Builder dpopKey(ClientKey key) {
            this.dpopKey = key;
            return this;
        }

        /**
         * @param size how many clients' tokens the shared cache keeps; default 100
         * @return this builder
         */
        public Builder cacheSize(int size) {
            this.cacheSize = size;
            return this;
        }

        /**
         * @param allow accept a plain-{@code http} token endpoint on a non-loopback host; default false
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allow) {
            this.allowInsecureHttp = allow;
            return this;
        }

        /**
         * Validates the settings and builds the configuration.
         *
         * @return the configuration
         * @throws TokenException with a {@code MISSING_*}, {@code INSECURE_TOKEN_URL} or {@code INVALID_SETTING}
         *                        code naming the setting to fix
         */
        public OAuthClientConfig build() {
            ConfigValidator validator = new ConfigValidator(name);
            validator.requireName();
            URI endpoint = validator.tokenEndpoint(tokenUrl, issuer, discoveryUrl, serverUrl, tenantId, oauthServerUrl);
            EndpointLayout layout = tokenUrl != null ? EndpointLayout.TOKEN_URL
                    : issuer != null || discoveryUrl != null ? EndpointLayout.DISCOVERY
                    : serverUrl != null ? EndpointLayout.MCA : EndpointLayout.APP_ID;
            validator.requireSecure(endpoint, allowInsecureHttp);
            validator.require(clientAuthMethod, ErrorCode.INVALID_SETTING, "client-auth-method",
                    "client authentication method");
            validator.credentials(effectiveAuthMethod(), layout, clientId, clientSecret, clientKey,
                    clientAssertionFile, sslContext != null);
            validator.positive(connectTimeout, "connect-timeout");
            validator.positive(readTimeout, "read-timeout");
            validator.positive(acquisitionTimeout, "acquisition-timeout");
            validator.positive(defaultLifetime, "default-lifetime");
            validator.notNegative(refreshBefore, "refresh-before");
            validator.notNegative(retryBackoff, "retry-backoff");
            validator.notNegative(failureCooldown, "failure-cooldown");
            validator.notNegative(maxRetryAfter, "max-retry-after");
            validator.allowedHosts(allowedHosts);
            validator.atLeastOne(maxAttempts, "max-attempts");
            validator.atLeastOne(cacheSize, "cache-size");
            validator.extraParameters(extraParameters.keySet());
            validator.dpopKey(dpopKey);
            return new OAuthClientConfig(this, layout, endpoint);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
