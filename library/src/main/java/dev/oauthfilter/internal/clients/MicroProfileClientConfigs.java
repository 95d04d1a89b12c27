package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.Secret;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.ServerTls;
import org.eclipse.microprofile.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Duration;

/**
 * Reads a client's settings from MicroProfile Config: {@code oauth.<setting>} for the default client,
 * {@code oauth.<name>.<setting>} for a named one (environment variables through MicroProfile Config's usual
 * mapping, e.g. {@code OAUTH_CLIENT_SECRET}, {@code OAUTH_BILLING_CLIENT_ID}).
 *
 * <pre>{@code
 * OAuthClientConfig billing = MicroProfileClientConfigs.read(ConfigProvider.getConfig(), "billing");
 * }</pre>
 */
public final class MicroProfileClientConfigs {

    /** Prefix of extra form parameters: {@code oauth[.<name>].params.<parameter>=<value>}. */
    static final String PARAMS = "params.";

    private MicroProfileClientConfigs() {
    }

    /**
     * @param config the MicroProfile Config to read
     * @param name   the client name, {@link OAuthClientConfig#DEFAULT_NAME} for the un-prefixed keys
     * @return the validated configuration
     * @throws TokenException with a {@code MISSING_*} or {@code INVALID_SETTING} code naming the key to fix
     */
    public static OAuthClientConfig read(Config config, String name) {
        return read(config, name, ServerTls.detect());
    }

    /**
     * @param config the MicroProfile Config to read
     * @param name   the client name, {@link OAuthClientConfig#DEFAULT_NAME} for the un-prefixed keys
     * @param server the TLS configuration of the server, which {@code tls.ssl-ref} names a part of
     * @return the validated configuration
     * @throws TokenException with a {@code MISSING_*} or {@code INVALID_SETTING} code naming the key to fix
     */
    static OAuthClientConfig read(Config config, String name, ServerTls server) {
        Settings s = new Settings(config, name);
        OAuthClientConfig.Builder b = OAuthClientConfig.builder().name(name).settingNames(s.keys());
        s.uri("token-url").ifPresent(b::tokenUrl);
        s.uri("server-url").ifPresent(b::serverUrl);
        s.string("tenant-id").ifPresent(b::tenantId);
        s.uri("oauth-server-url").ifPresent(b::oauthServerUrl);
        s.uri("issuer").ifPresent(b::issuer);
        s.uri("discovery-url").ifPresent(b::discoveryUrl);
        s.string("client-id").ifPresent(b::clientId);
        s.string("client-secret").ifPresent(b::clientSecret);
        s.string("client-secret-file").ifPresent(file -> b.clientSecretFile(Path.of(file)));
        s.string("client-assertion-file").ifPresent(file -> b.clientAssertionFile(Path.of(file)));
        s.string("client-auth-method").map(ClientAuthMethod::fromConfigValue).ifPresent(b::clientAuthMethod);
        clientKey(s).ifPresent(b::clientKey);
        s.string("scope").ifPresent(b::scope);
        s.string("audience").ifPresent(b::audience);
        s.list("resource").forEach(b::resource);
        s.duration("connect-timeout").ifPresent(b::connectTimeout);
        s.duration("read-timeout").ifPresent(b::readTimeout);
        s.duration("acquisition-timeout").ifPresent(b::acquisitionTimeout);
        s.duration("refresh-before").ifPresent(b::refreshBefore);
        s.duration("default-lifetime").ifPresent(b::defaultLifetime);
        s.integer("max-attempts").ifPresent(b::maxAttempts);
        s.duration("retry-backoff").ifPresent(b::retryBackoff);
        s.duration("failure-cooldown").ifPresent(b::failureCooldown);
        s.duration("max-retry-after").ifPresent(b::maxRetryAfter);
        s.list("allowed-hosts").forEach(b::allowedHost);
        s.bool("retry-on-unauthorized").ifPresent(b::retryOnUnauthorized);
        Optional<Boolean> dpop = s.bool("dpop");
        dpop.ifPresent(b::dpop);
        Optional<ClientKey> dpopKey = key(s, "dpop-");
        if (dpopKey.isPresent() && dpop.equals(Optional.of(false))) {
            throw s.invalid("dpop", "is false while a DPoP key is configured (" + s.key("dpop-key-store") + " / "
                    + s.key("dpop-private-key-file") + "): remove one of them");
        }
        dpopKey.ifPresent(b::dpopKey);
        // checked with the client's other keys, though the size is the default cache's (ClientRegistry hands it on)
        cacheSize(s);
        tls(s, b, server);
        s.bool("allow-insecure-http").ifPresent(b::allowInsecureHttp);
        String paramsPrefix = s.key(PARAMS);
        for (String key : config.getPropertyNames()) {
            if (key.startsWith(paramsPrefix) && key.length() > paramsPrefix.length()) {
                String parameter = key.substring(paramsPrefix.length());
                s.string(PARAMS + parameter).ifPresent(value -> b.extraParameter(parameter, value));
            }
        }
        return b.build();
    }

    /**
     * The TLS context: the library's own from {@code tls.trust-store} / {@code tls.key-store}, or the server's SSL
     * configuration named by {@code tls.ssl-ref}, never both; with none of them, the token requests use the server's
     * outbound TLS configuration (Open Liberty) or the JVM's default ({@link ServerTls}).
     */
    private static void tls(Settings s, OAuthClientConfig.Builder b, ServerTls server) {
        Optional<String> trustStore = s.string("tls.trust-store");
        Optional<String> keyStore = s.string("tls.key-store");
        Optional<String> sslRef = s.string("tls.ssl-ref");
        boolean mutualTls = s.string("client-auth-method").map(ClientAuthMethod::fromConfigValue)
                .map(ClientAuthMethod::mutualTls).orElse(false);
        if (mutualTls && keyStore.isEmpty() && sslRef.isEmpty()) {
            throw TokenException.builder(ErrorCode.MISSING_CLIENT_KEY).clientName(s.clientName())
                    .message(s.string("client-auth-method").orElseThrow() + " presents the client's certificate in"
                            + " the TLS handshake: set " + s.key("tls.key-store") + " (and "
                            + s.key("tls.key-store-password") + "), or on Open Liberty " + s.key("tls.ssl-ref")
                            + " naming an <ssl> whose key store holds it").build();
        }
        if (sslRef.isPresent()) {
            if (trustStore.isPresent() || keyStore.isPresent()) {
                throw s.invalid("tls.ssl-ref", "names the server's SSL configuration while "
                        + s.key(trustStore.isPresent() ? "tls.trust-store" : "tls.key-store")
                        + " gives the library's own: keep one of them");
            }
            try {
                b.sslContext(server.named(sslRef.get()));
            } catch (IllegalArgumentException e) {
                throw s.invalid("tls.ssl-ref", e.getMessage());
            }
            return;
        }
        if (trustStore.isPresent() || keyStore.isPresent()) {
            b.sslContext(TrustStores.sslContext(s, trustStore.map(Path::of).orElse(null),
                    s.string("tls.trust-store-password").orElse(null), s.string("tls.trust-store-type").orElse("PKCS12"),
                    keyStore.map(Path::of).orElse(null), s.string("tls.key-store-password").orElse(null),
                    s.string("tls.key-store-type").orElse("PKCS12")));
        }
        // the fleet shares tokens only among replicas presenting the same certificate (tokens bound to it)
        keyStore.ifPresent(store -> b.tlsClientCertificate(TrustStores.clientCertificate(s, Path.of(store),
                s.string("tls.key-store-password").orElse(null), s.string("tls.key-store-type").orElse("PKCS12"))));
    }

    /**
     * The {@code cache-size} of a client: how many clients' tokens the application's default cache keeps. Not part of
     * the client's configuration: the default cache grows to the largest one of the clients it serves
     * ({@link BoundedTokenCache#raiseCapacity}).
     *
     * @param config the MicroProfile Config to read
     * @param name   the client name, {@link OAuthClientConfig#DEFAULT_NAME} for the un-prefixed key
     * @return the size, when set
     * @throws TokenException with {@code INVALID_SETTING} naming the key when it is not a whole number of at least 1
     */
    static Optional<Integer> cacheSize(Config config, String name) {
        return cacheSize(new Settings(config, name));
    }

    private static Optional<Integer> cacheSize(Settings s) {
        Optional<Integer> size = s.integer("cache-size");
        if (size.isPresent() && size.get() < 1) {
            throw s.invalid("cache-size", "must be at least 1, was " + size.get());
        }
        return size;
    }

    /**
     * @param config  the MicroProfile Config
     * @param setting a library-wide setting under {@code oauth.}, e.g. {@code health-timeout}
     * @return its value as a duration ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, seconds, or ISO-8601)
     * @throws TokenException with {@code INVALID_SETTING} naming the key when it is not a duration
     */
    public static Optional<Duration> duration(Config config, String setting) {
        return new Settings(config, OAuthClientConfig.DEFAULT_NAME).duration(setting);
    }

    /** {@code key-store} (+ password, type, alias) or {@code private-key-file} (+ {@code certificate-file}). */
    private static Optional<ClientKey> clientKey(Settings s) {
        return key(s, "").map(k -> s.string("key-id").map(k::withKeyId).orElse(k));
    }

    /** The same settings under {@code prefix}, e.g. {@code dpop-key-store}. */
    private static Optional<ClientKey> key(Settings s, String prefix) {
        Optional<ClientKey> key = s.string(prefix + "key-store").map(store -> ClientKey.fromKeyStore(
                Path.of(store), s.string(prefix + "key-store-password").map(Secret::of).orElse(null),
                s.string(prefix + "key-alias").orElse(null), s.string(prefix + "key-store-type").orElse("PKCS12")));
        if (key.isEmpty()) {
            key = s.string(prefix + "private-key-file").map(file -> ClientKey.fromPem(Path.of(file),
                    s.string(prefix + "certificate-file").map(Path::of).orElse(null)));
        }
        return key;
    }
}
