package dev.oauthfilter.config;

import dev.oauthfilter.AllowedHosts;
import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.ClientTokenProvider;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenExchange;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.jaxrs.PropagatingTokenProvider;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's clients, by name, as MicroProfile Config describes them ({@code oauth.*} for the default client,
 * {@code oauth.<name>.*} for a named one): each built on first use and kept. The one place where the filter, the CDI
 * producer and the readiness check find a client. A client is its own client-credentials token (from a token source
 * of {@link TokenCache#shared()}, shared with any client of the same endpoint and credentials; with
 * {@code oauth.shared-cache.provider}, of a cache of the registry's own shared with the whole fleet, see
 * {@link SharedCacheSettings}) or, with
 * {@code propagate=true}, the incoming request's bearer token; either way with its own rules ({@link ClientPolicy}).
 *
 * <pre>{@code
 * ClientTokenProvider billing = ClientRegistry.current().client("billing");
 * }</pre>
 */
public final class ClientRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClientRegistry.class.getName());
    private static final Object CURRENT_LOCK = new Object();
    private static Config currentConfig;
    private static ClientRegistry current;

    private final Config config;
    private final Map<String, ClientTokenProvider> clients = new ConcurrentHashMap<>();
    // a cache of the registry's own when the configuration shares tokens with a fleet (oauth.shared-cache.*), and
    // what closes it with the caching provider it came from; null otherwise
    private final TokenCache fleetCache;
    private final AutoCloseable fleet;

    private ClientRegistry(Config config) {
        this.config = config;
        SharedCacheSettings.Fleet made = fleet(config);
        this.fleet = made;
        this.fleetCache = made == null ? null : made.cache;
    }

    /**
     * @param config a MicroProfile Config
     * @return a registry of the clients it describes
     */
    public static ClientRegistry of(Config config) {
        return new ClientRegistry(config);
    }

    /** @return the registry of the application's MicroProfile Config ({@code ConfigProvider.getConfig()}) */
    public static ClientRegistry current() {
        Config config = ConfigProvider.getConfig();
        synchronized (CURRENT_LOCK) {
            if (current == null || currentConfig != config) {
                if (current != null) {
                    current.close();
                }
                current = new ClientRegistry(config);
                currentConfig = config;
            }
            return current;
        }
    }

    /** Forgets the current registry (the application stops), closing the cache it may have of its own. */
    public static void release() {
        synchronized (CURRENT_LOCK) {
            if (current != null) {
                current.close();
            }
            current = null;
            currentConfig = null;
        }
    }

    /**
     * Closes the fleet-wide cache the registry made, if it made one, with the JCache provider it came from (what the
     * provider started for it, such as an embedded Hazelcast member, ends with the application).
     */
    @Override
    public void close() {
        if (fleet != null) {
            try {
                fleet.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "could not close the shared token cache's JCache provider ("
                        + e.getClass().getName() + ")", e);
            }
        }
    }

    /**
     * The fleet-wide cache when {@code oauth.shared-cache.provider} is set. Only then is {@link SharedCacheSettings},
     * which uses the optional JCache API, loaded at all.
     */
    private static SharedCacheSettings.Fleet fleet(Config config) {
        boolean sharing = config.getOptionalValue(SharedCacheSettings.PREFIX + "provider", String.class)
                .filter(value -> !value.isBlank()).isPresent();
        if (!sharing) {
            return null;
        }
        try {
            return SharedCacheSettings.cache(config).orElse(null);
        } catch (NoClassDefFoundError missing) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING)
                    .message(SharedCacheSettings.PREFIX + "provider is set, but the JCache API (javax.cache:cache-api)"
                            + " and a provider are not on the application's class path").build();
        }
    }

    private ClientTokenProvider tokenSource(String name) {
        OAuthClientConfig settings = MicroProfileClientConfigs.read(config, name);
        return fleetCache != null ? fleetCache.provider(settings) : (ClientTokenProvider) TokenProvider.of(settings);
    }

    /**
     * @param name a client name
     * @return the client, built on first use
     * @throws TokenException when its settings are missing or bad
     */
    public ClientTokenProvider client(String name) {
        ClientTokenProvider client = clients.get(name);
        return client != null ? client : clients.computeIfAbsent(name, this::create);
    }

    /** @return the names of the clients the configuration describes (the default one when its keys are set) */
    public Set<String> names() {
        return ConfiguredClients.names(config);
    }

    /** @return the MicroProfile Config the registry reads */
    public Config config() {
        return config;
    }

    private ClientTokenProvider create(String name) {
        Settings s = new Settings(config, name);
        if (!s.bool("propagate").orElse(false)) {
            return tokenSource(name);
        }
        List<String> hosts = s.list("allowed-hosts");
        if (hosts.isEmpty()) {
            throw s.invalid("allowed-hosts", "must name where incoming tokens may be forwarded when "
                    + s.key("propagate") + "=true");
        }
        for (String host : hosts) {
            String problem = AllowedHosts.problemWith(host);
            if (problem != null) {
                throw s.invalid("allowed-hosts", problem);
            }
        }
        String fallback = s.string("propagate-fallback").orElse("error");
        TokenProvider fallbackProvider;
        switch (fallback) {
            case "error":
                fallbackProvider = null;
                break;
            case "client-credentials":
                fallbackProvider = tokenSource(name);
                break;
            default:
                throw s.invalid("propagate-fallback", "'" + fallback + "' is neither error nor client-credentials");
        }
        boolean exchanged = s.bool("propagate-exchange").orElse(false);
        TokenExchange exchange = null;
        if (exchanged) {
            OAuthClientConfig settings = MicroProfileClientConfigs.read(config, name);
            if (settings.dpop()) {
                throw s.invalid(settings.dpopKey().isPresent() ? "dpop-key-store" : "dpop", "DPoP is not available"
                        + " for token exchange (propagate-exchange): the exchanged token would be bound to a key the"
                        + " filter does not prove");
            }
            exchange = (fleetCache != null ? fleetCache : TokenCache.shared()).exchange(settings);
        }
        return new ClientTokenProvider(name, ClientPolicy.of(AllowedHosts.of(hosts), false),
                new PropagatingTokenProvider(name, fallbackProvider, exchange, Clock.systemUTC()),
                TokenStatus.PROPAGATED);
    }
}
