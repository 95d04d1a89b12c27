package dev.oauthfilter;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The immutable description of one OAuth 2.0 client-credentials client, held in parts that each say one thing:
 * where its token endpoint is ({@link #endpoint()}), how it authenticates ({@link #authentication()}), what it asks
 * for ({@link #requestParameters()}), its timing ({@link #timing()}), its rules for the filter ({@link #policy()}),
 * its TLS ({@link #tls()}) and DPoP ({@link #dpop()}). Validated when built; every missing or bad setting is a
 * {@link TokenException} with its own {@link ErrorCode} that names the setting to fix: the builder method, or the key
 * of the source the client was read from ({@link Builder#settingNames(SettingNames)}).
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

    /** The name of a client that was given none (and of MicroProfile Config's un-prefixed client). */
    public static final String DEFAULT_NAME = "default";

    private final String name;
    private final SettingNames settingNames;
    private final TokenEndpoint endpoint;
    private final ClientAuthentication authentication;
    private final TokenRequestParameters requestParameters;
    private final Timing timing;
    private final ClientPolicy policy;
    private final Tls tls;
    private final DPoP dpop;
    private final SourceKey sourceKey;

    private OAuthClientConfig(String name, SettingNames settingNames, TokenEndpoint endpoint,
                              ClientAuthentication authentication, TokenRequestParameters requestParameters,
                              Timing timing, ClientPolicy policy, Tls tls, DPoP dpop) {
        this.name = name;
        this.settingNames = settingNames;
        this.endpoint = endpoint;
        this.authentication = authentication;
        this.requestParameters = requestParameters;
        this.timing = timing;
        this.policy = policy;
        this.tls = tls;
        this.dpop = dpop;
        // what makes the token different, then how it is fetched; not the client's rules (policy), nor the TLS
        // client certificate, which the TLS context already presents
        this.sourceKey = new SourceKey(List.of(endpoint.url(), endpoint.layout(), String.valueOf(authentication.clientId()),
                authentication.secret(), authentication.key(), authentication.assertionFile(), authentication.method(),
                requestParameters.values(), dpop.enabled(), dpop.key(), endpoint.issuer(), endpoint.discoveryUrl(),
                endpoint.allowsInsecureHttp(), tls.context(), timing.values()));
    }

    /** @return a builder for the client named {@value #DEFAULT_NAME} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The client a MicroProfile Config of the caller's own describes, read as the library reads the application's
     * ({@code oauth.*} for {@value #DEFAULT_NAME}, {@code oauth.<name>.*} for a named client; its messages name those
     * keys and their environment variables; {@code cache-size}, a setting of the cache, not of the client, is not read:
     * give a cache of one's own its {@code TokenCache.builder().capacity(n)}). The clients of the application's own
     * Config need no such call: the
     * filter, {@code @Inject TokenProvider} and the readiness check read them. This is for a Config made of chosen
     * sources, e.g. only the {@code VCAP_SERVICES} binding:
     *
     * <pre>{@code
     * Config vcapOnly = ConfigProviderResolver.instance().getBuilder().addDiscoveredSources().build();
     * TokenProvider tokens = TokenProvider.of(OAuthClientConfig.fromMicroProfileConfig(vcapOnly, "default"));
     * }</pre>
     *
     * @param config a MicroProfile Config
     * @param name   {@value #DEFAULT_NAME} or a client name
     * @return the client's configuration
     * @throws TokenException when its settings are missing or bad
     */
    public static OAuthClientConfig fromMicroProfileConfig(org.eclipse.microprofile.config.Config config,
                                                           String name) {
        return OAuthFilterDelegate.instance().readConfig(Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(name, "name"));
    }

    /** @return the client's name: {@value #DEFAULT_NAME}, or the one given to {@link Builder#name(String)} */
    public String name() {
        return name;
    }

    /** @return where the client's token requests go */
    public TokenEndpoint endpoint() {
        return endpoint;
    }

    /** @return how the client authenticates at the token endpoint */
    public ClientAuthentication authentication() {
        return authentication;
    }

    /** @return what the client asks for: scope, audience, resources, extra parameters */
    public TokenRequestParameters requestParameters() {
        return requestParameters;
    }

    /** @return the client's timeouts, refresh window and retry budget */
    public Timing timing() {
        return timing;
    }

    /** @return the client's rules for the filter: where its token may go, whether a 401 is replayed */
    public ClientPolicy policy() {
        return policy;
    }

    /** @return the TLS context (and its client certificate) for the token endpoint */
    public Tls tls() {
        return tls;
    }

    /** @return whether and with which key the client's tokens are bound with DPoP */
    public DPoP dpop() {
        return dpop;
    }

    /**
     * @return how messages name this client's settings: the builder's method names, or the keys of the source it
     *         was read from
     */
    public SettingNames settingNames() {
        return settingNames;
    }

    /**
     * Everything that makes a token, or the way it is fetched, different: the endpoint, the credentials, the request
     * parameters, DPoP, the TLS context and every timeout and retry setting. Configurations with equal keys share one
     * token source (and token); the client's rules (allowed hosts, 401 replay) are not part of it.
     *
     * @return a value whose {@code equals} tells equivalent token sources apart, and which prints nothing it holds
     */
    public Object sourceKey() {
        return sourceKey;
    }

    /** Equal for equivalent token sources; prints nothing of what it holds (secrets, extra parameter values). */
    private static final class SourceKey {
        private final List<Object> parts;
        // computed once: a multi-tenant application looks its clients up by configuration on every call
        private final int hash;

        SourceKey(List<Object> parts) {
            this.parts = parts;
            this.hash = parts.hashCode();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SourceKey && ((SourceKey) other).parts.equals(parts);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "SourceKey[...]";
        }
    }

    @Override
    public String toString() {
        ClientAuthentication a = authentication;
        TokenRequestParameters r = requestParameters;
        return "OAuthClientConfig[name=" + name + ", layout=" + endpoint.layout() + ", tokenEndpoint=" + endpoint.url()
                + ", clientId=" + a.clientId() + a.secret().map(s -> ", clientSecret=" + s).orElse("")
                + a.key().map(k -> ", clientKey=" + k).orElse("")
                + a.assertionFile().map(f -> ", clientAssertionFile=" + f).orElse("")
                + ", clientAuthMethod=" + a.method() + r.scope().map(s -> ", scope=" + s).orElse("")
                + r.audience().map(s -> ", audience=" + s).orElse("")
                + (r.resources().isEmpty() ? "" : ", resources=" + r.resources())
                + (dpop.enabled() ? ", dpop" + dpop.key().map(k -> "=" + k).orElse("") : "")
                + (r.extraParameters().isEmpty() ? "" : ", extraParameters=" + r.extraParameters().keySet())
                + (policy.allowedHosts().isEmpty() ? "" : ", allowedHosts=" + policy.allowedHosts()) + "]";
    }

    /**
     * Builds an {@link OAuthClientConfig}; {@link #build()} validates each part. Not thread-safe.
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
        private SettingNames settingNames = SettingNames.BUILDER;
        private final TokenEndpoint.Draft endpoint = new TokenEndpoint.Draft();
        private final ClientAuthentication.Draft authentication = new ClientAuthentication.Draft();
        private final TokenRequestParameters.Draft requestParameters = new TokenRequestParameters.Draft();
        private final Timing.Draft timing = new Timing.Draft();
        private final ClientPolicy.Draft policy = new ClientPolicy.Draft();
        private final Tls.Draft tls = new Tls.Draft();
        private final DPoP.Draft dpop = new DPoP.Draft();

        private Builder() {
        }

        /**
         * @param name the client name, used in messages; default {@value #DEFAULT_NAME}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * How messages name this client's settings. A source of configuration that is not this builder's caller
         * gives its own names, so that a message points at the key to fix (the library's MicroProfile Config reader
         * names {@code oauth.billing.client-id (OAUTH_BILLING_CLIENT_ID)}).
         *
         * @param names the names; default {@link SettingNames#BUILDER}, this builder's method names
         * @return this builder
         */
        public Builder settingNames(SettingNames names) {
            this.settingNames = Objects.requireNonNull(names, "names");
            return this;
        }

        /**
         * @param tokenUrl any OAuth 2.0 token endpoint; wins over {@code serverUrl} and {@code oauthServerUrl}
         * @return this builder
         */
        public Builder tokenUrl(URI tokenUrl) {
            endpoint.tokenUrl = tokenUrl;
            return this;
        }

        /**
         * @param serverUrl the MCA authorization server URL; needs {@link #tenantId(String)}
         * @return this builder
         */
        public Builder serverUrl(URI serverUrl) {
            endpoint.serverUrl = serverUrl;
            return this;
        }

        /**
         * @param tenantId the MCA tenant id (the seed SDK's {@code appId})
         * @return this builder
         */
        public Builder tenantId(String tenantId) {
            endpoint.tenantId = tenantId;
            return this;
        }

        /**
         * @param oauthServerUrl IBM App ID's {@code oauthServerUrl}; the token endpoint is {@code {it}/token}
         * @return this builder
         */
        public Builder oauthServerUrl(URI oauthServerUrl) {
            endpoint.oauthServerUrl = oauthServerUrl;
            return this;
        }

        /**
         * @param issuer an OpenID Connect / RFC 8414 issuer: the token endpoint is found in its metadata on first use
         *               ({@code {issuer}/.well-known/openid-configuration}, then
         *               {@code /.well-known/oauth-authorization-server{path}}); a {@link #tokenUrl(URI)} wins
         * @return this builder
         */
        public Builder issuer(URI issuer) {
            endpoint.issuer = issuer;
            return this;
        }

        /**
         * @param discoveryUrl the metadata document to read the token endpoint from, when it is elsewhere
         * @return this builder
         */
        public Builder discoveryUrl(URI discoveryUrl) {
            endpoint.discoveryUrl = discoveryUrl;
            return this;
        }

        /**
         * @param allow accept a plain-{@code http} token endpoint on a non-loopback host; default false
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allow) {
            endpoint.allowInsecureHttp = allow;
            return this;
        }

        /**
         * @param clientId the client id
         * @return this builder
         */
        public Builder clientId(String clientId) {
            authentication.clientId = clientId;
            return this;
        }

        /**
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder clientSecret(String clientSecret) {
            authentication.secret = clientSecret == null ? null : Secret.of(clientSecret);
            return this;
        }

        /**
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder clientSecret(Secret clientSecret) {
            authentication.secret = clientSecret;
            return this;
        }

        /**
         * @param file a file holding the client secret, read on every token request (a rotated secret is picked up
         *             without a restart); replaces a secret set before
         * @return this builder
         */
        public Builder clientSecretFile(Path file) {
            if (file != null) {
                authentication.secret = Secret.fromFile(file);
            }
            return this;
        }

        /**
         * @param key the client's private key (and certificate) for {@link ClientAuthMethod#PRIVATE_KEY_JWT} and
         *            {@link ClientAuthMethod#MCA_CERTIFICATE}
         * @return this builder
         */
        public Builder clientKey(ClientKey key) {
            authentication.key = key;
            return this;
        }

        /**
         * @param method how to authenticate; default {@link ClientAuthMethod#CLIENT_SECRET_BASIC}
         * @return this builder
         */
        public Builder clientAuthMethod(ClientAuthMethod method) {
            authentication.method = method;
            authentication.methodSet = true;
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
            authentication.assertionFile = file;
            return this;
        }

        /**
         * @param scope space-separated scopes to request, or null
         * @return this builder
         */
        public Builder scope(String scope) {
            requestParameters.scope = blankToNull(scope);
            return this;
        }

        /**
         * @param audience the {@code audience} parameter (Auth0, Keycloak, ...), or null
         * @return this builder
         */
        public Builder audience(String audience) {
            requestParameters.audience = blankToNull(audience);
            return this;
        }

        /**
         * @param resource an RFC 8707 {@code resource} indicator; may be called several times
         * @return this builder
         */
        public Builder resource(String resource) {
            requestParameters.resources.add(Objects.requireNonNull(resource, "resource"));
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
            requestParameters.extraParameters.put(Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param timeout TCP connect timeout; default 5 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            timing.connectTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long one token request waits for its response; default 10 s
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            timing.readTimeout = timeout;
            return this;
        }

        /**
         * @param timeout the longest a caller ever waits for a token, retries included; default 30 s
         * @return this builder
         */
        public Builder acquisitionTimeout(Duration timeout) {
            timing.acquisitionTimeout = timeout;
            return this;
        }

        /**
         * @param refreshBefore start refreshing this long before expiry (at most half the lifetime); 60 s
         * @return this builder
         */
        public Builder refreshBefore(Duration refreshBefore) {
            timing.refreshBefore = refreshBefore;
            return this;
        }

        /**
         * @param lifetime assumed when the server gives no {@code expires_in} and no JWT {@code exp}; 5 min
         * @return this builder
         */
        public Builder defaultLifetime(Duration lifetime) {
            timing.defaultLifetime = lifetime;
            return this;
        }

        /**
         * @param attempts token requests per acquisition on transient failures; default 3
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            timing.maxAttempts = attempts;
            return this;
        }

        /**
         * @param backoff first delay between attempts, doubled each time with jitter; default 200 ms
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            timing.retryBackoff = backoff;
            return this;
        }

        /**
         * @param cooldown after a failed token request, how long callers that have no valid token get the same
         *                 failure at once instead of a new request (longer if the server sent Retry-After); 2 s
         * @return this builder
         */
        public Builder failureCooldown(Duration cooldown) {
            timing.failureCooldown = cooldown;
            return this;
        }

        /**
         * @param limit the longest {@code Retry-After} (from a 429 or 5xx of the token endpoint) that is honoured,
         *              for the cooldown, the retry backoff and the background refresh; 5 minutes
         * @return this builder
         */
        public Builder maxRetryAfter(Duration limit) {
            timing.maxRetryAfter = limit;
            return this;
        }

        /**
         * @param target a host ({@code api.example.com}), a wildcard ({@code *.example.com}) or a base URI
         *               ({@code https://api.example.com/notes}) the token may be sent to; once one is given, requests
         *               to anywhere else get no token
         * @return this builder
         */
        public Builder allowedHost(String target) {
            policy.allowedHosts.add(Objects.requireNonNull(target, "target").strip());
            return this;
        }

        /**
         * @param retry whether a 401 answer makes the filter invalidate the token, get a new one and replay the
         *              request once (idempotent methods with a replayable entity only); default true
         * @return this builder
         */
        public Builder retryOnUnauthorized(boolean retry) {
            policy.retryOnUnauthorized = retry;
            return this;
        }

        /**
         * @param context the TLS context for the token endpoint, e.g. one trusting a private CA; default the
         *                server's: in Open Liberty with {@code transportSecurity-1.0}, its outbound SSL configuration
         *                for the token endpoint's host and port (an {@code <ssl>} with an
         *                {@code <outboundConnection>} for them, else {@code <sslDefault outboundSSLRef>}), otherwise
         *                the JVM's ({@code SSLContext.getDefault()}; Liberty's {@code defaultSSLConfig} is not taken
         *                unasked)
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            tls.context = context;
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
            tls.clientCertificate = certificate;
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
            this.dpop.enabled = dpop;
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
            dpop.key = key;
            return this;
        }

        /**
         * Validates the settings, part by part, and builds the configuration.
         *
         * @return the configuration
         * @throws TokenException with a {@code MISSING_*}, {@code INSECURE_TOKEN_URL} or {@code INVALID_SETTING}
         *                        code naming the setting to fix
         */
        public OAuthClientConfig build() {
            SettingErrors errors = new SettingErrors(name, settingNames);
            errors.requireClientName();
            TokenEndpoint builtEndpoint = endpoint.build(errors);
            Tls builtTls = tls.build();
            ClientAuthentication builtAuthentication = authentication.build(builtEndpoint.layout(),
                    builtTls.context().isPresent(), errors);
            Timing builtTiming = timing.build(errors);
            ClientPolicy builtPolicy = policy.build(errors);
            TokenRequestParameters builtParameters = requestParameters.build(errors);
            DPoP builtDpop = dpop.build(errors);
            return new OAuthClientConfig(name, settingNames, builtEndpoint, builtAuthentication, builtParameters,
                    builtTiming, builtPolicy, builtTls, builtDpop);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
