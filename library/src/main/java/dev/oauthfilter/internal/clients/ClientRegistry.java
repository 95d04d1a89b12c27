package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.internal.clients.ConfiguredClient;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.internal.tokens.TokenExchange;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.internal.propagation.PropagatingTokenSource;
import org.eclipse.microprofile.config.Config;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The clients one MicroProfile Config describes, by name ({@code oauth.*} for the default client,
 * {@code oauth.<name>.*} for a named one): each built on first use and kept. Made and owned by
 * {@link ApplicationClients}, which replaces it when the application's Config changes. A client is its own
 * client-credentials token (from a token source of the application's default cache, shared with any client of the
 * same endpoint and credentials; with {@code oauth.shared-cache.provider}, of a cache of the registry's own shared
 * with the whole fleet, see {@link SharedCacheSettings}) or, with {@code propagate=true}, the incoming request's bearer
 * token; either way with its own rules ({@link ClientPolicy}).
 */
final class ClientRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClientRegistry.class.getName());

    private final Config config;
    private final Clock clock;
    private final Map<String, ConfiguredClient> clients = new ConcurrentHashMap<>();
    private final BoundedTokenCache defaultCache;
    // a cache of the registry's own when the configuration shares tokens with a fleet (oauth.shared-cache.*), and
    // what closes it with the caching provider it came from; null otherwise
    private final BoundedTokenCache fleetCache;
    private final AutoCloseable fleet;

    /**
     * @param config       the MicroProfile Config that describes the clients
     * @param defaultCache where clients' token sources come from unless the configuration shares them with a fleet
     * @param clock        what a propagating client judges incoming tokens' expiry by
     */
    ClientRegistry(Config config, BoundedTokenCache defaultCache, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.defaultCache = defaultCache;
        SharedCacheSettings.Fleet made = fleet(config);
        this.fleet = made;
        this.fleetCache = made == null ? null : made.cache;
    }

    /**
     * Reports the fleet-wide cache's token events, if the registry made one, to one more of the application's
     * listeners (which the default cache reports to, and which the application's closing tells: not this cache's).
     */
    void events(TokenEvents listener) {
        if (fleetCache != null) {
            fleetCache.events(new FleetEvents(listener));
        }
    }

    /** Everything the fleet-wide cache hears, but its closing: the application's closing tells the listener once. */
    private static final class FleetEvents implements TokenEvents {
        private final TokenEvents listener;

        FleetEvents(TokenEvents listener) {
            this.listener = listener;
        }

        @Override
        public void tokenRequest(String client, String outcome, Duration took) {
            listener.tokenRequest(client, outcome, took);
        }

        @Override
        public void backgroundRefresh(String client) {
            listener.backgroundRefresh(client);
        }

        @Override
        public void waited(String client) {
            listener.waited(client);
        }

        @Override
        public void sourceCreated(String client, TokenStatus status) {
            listener.sourceCreated(client, status);
        }

        @Override
        public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
            return listener.acquisition(client, awaited, acquisition);
        }

        @Override
        public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
            return listener.httpRequest(client, grantType, endpoint, resendCount);
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

    private ConfiguredClient tokenSource(String name) {
        OAuthClientConfig settings = MicroProfileClientConfigs.read(config, name);
        if (fleetCache != null) {
            return fleetCache.provider(settings);
        }
        // the cache size is the default cache's: it keeps as many clients as the largest cache-size asks
        MicroProfileClientConfigs.cacheSize(config, name).ifPresent(defaultCache::raiseCapacity);
        return defaultCache.provider(settings);
    }

    /**
     * @param name a client name
     * @return the client, built on first use
     * @throws TokenException when its settings are missing or bad
     */
    ConfiguredClient client(String name) {
        ConfiguredClient client = clients.get(name);
        return client != null ? client : clients.computeIfAbsent(name, this::create);
    }

    /** @return the names of the clients the configuration describes (the default one when its keys are set) */
    Set<String> names() {
        return ConfiguredClients.names(config);
    }

    private ConfiguredClient create(String name) {
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
            String problem = ClientPolicy.problemWith(host);
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
            if (settings.dpop().enabled()) {
                throw s.invalid(settings.dpop().key().isPresent() ? "dpop-key-store" : "dpop", "DPoP is not available"
                        + " for token exchange (propagate-exchange): the exchanged token would be bound to a key the"
                        + " filter does not prove");
            }
            exchange = (fleetCache != null ? fleetCache : defaultCache).exchange(settings);
        }
        return new ConfiguredClient(name, ClientPolicy.of(hosts, false),
                new PropagatingTokenSource(name, s.keys().keyAndVariable("propagate-fallback"), fallbackProvider,
                        exchange, clock),
                TokenStatus.PROPAGATED);
    }
}
