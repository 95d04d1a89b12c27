package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.internal.tokens.ExchangedTokens;
import dev.oauthfilter.internal.tokens.RefreshingTokenSource;
import dev.oauthfilter.internal.tokens.TokenExchange;
import dev.oauthfilter.internal.tokens.TokenSources;

import javax.cache.CacheManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The {@link TokenCache}: token sources by {@link OAuthClientConfig#sourceKey()}, least recently used dropped beyond
 * the capacity, each handed out with the asking configuration's own rules ({@link ConfiguredClient}). Owns the
 * HTTP clients of its sources and, when neither the application nor the container gave an executor, a pool of daemon
 * refresh threads; {@link #close()} ends them.
 */
public final class BoundedTokenCache implements TokenCache {

    private static final Logger LOG = Logger.getLogger(BoundedTokenCache.class.getName());

    private final Executor configuredExecutor;
    // the container's managed executor, looked up when the first refresh needs one (on a thread of the application,
    // with its naming context), or null
    private final Supplier<Executor> containers;
    // the owner whose listener this cache's listener is (the application's default cache), or null
    private final ApplicationClients owner;
    // refresh tasks go through this, so that a pool of the cache's own can be ended by close() and made anew
    private final Executor executor = task -> executor().execute(task);
    private final Map<Object, RefreshingTokenSource> providers = new HashMap<>();
    // token exchanges (RFC 8693) by configuration: few, one per exchanging client
    private final Map<Object, ExchangedTokens> exchanges = new HashMap<>();
    private final TokenSources sources;
    private ExecutorService ownExecutor;
    private int capacity;
    private TokenListeners listeners = TokenListeners.NONE;

    /**
     * @param clock           decides FRESH / STALE / EXPIRED
     * @param executor     runs refreshes: the application's, or null for the container's, else daemon threads of
     *                     the cache's own
     * @param containers   the container's managed executor, or null when there is none
     * @param owner        the application's clients when this is their default cache (its listener is theirs), else
     *                     null
     * @param capacity     how many sources the cache keeps (until {@link #raiseCapacity} raises it)
     * @param sharedVia    the fleet's cache manager, or null
     * @param storeTimeout the longest one operation on the shared caches may take
     * @param leaseTime    how long one member may fetch for the fleet
     */
    BoundedTokenCache(Clock clock, Executor executor, Supplier<Executor> containers, ApplicationClients owner,
                      int capacity, CacheManager sharedVia, Duration storeTimeout, Duration leaseTime) {
        this.configuredExecutor = executor;
        this.containers = containers;
        this.owner = owner;
        this.capacity = capacity;
        this.sources = sharedVia == null ? new TokenSources(clock, this.executor)
                : new TokenSources(clock, this.executor, sharedVia, storeTimeout, leaseTime);
    }

    @Override
    public ConfiguredClient provider(OAuthClientConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (providers) {
            RefreshingTokenSource provider = providers.get(config.sourceKey());
            if (provider == null) {
                provider = sources.create(config);
                provider.events(events());
                listeners.sourceCreated(config.name(), provider);
                providers.put(config.sourceKey(), provider);
                evictBeyondCapacity();
            }
            return new ConfiguredClient(config.name(), config.policy(), provider, provider);
        }
    }

    /**
     * The token exchange (RFC 8693) of a configuration: tokens of its audience, scope and resources for incoming
     * tokens, cached per incoming token (in this JVM only, even when the cache is shared with a fleet).
     *
     * @param config the client that exchanges (token endpoint, credentials, audience, scope, resources)
     * @return its exchange, the same for equivalent configurations
     */
    public TokenExchange exchange(OAuthClientConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (providers) {
            return exchanges.computeIfAbsent(config.sourceKey(), key -> {
                ExchangedTokens exchange = sources.exchange(config);
                exchange.events(events());
                return exchange;
            });
        }
    }

    /**
     * Lets the cache keep at least {@code size} token sources: how the application's default cache grows to the
     * largest {@code cache-size} of the clients MicroProfile Config describes. Never shrinks it.
     *
     * @param size the capacity asked for
     */
    void raiseCapacity(int size) {
        synchronized (providers) {
            capacity = Math.max(capacity, size);
        }
    }

    @Override
    public void events(TokenEvents listener) {
        Objects.requireNonNull(listener, "events");
        if (owner != null) {
            // the application's default cache: its listener hears every cache of the application (a fleet-wide one too)
            owner.events(listener);
        } else {
            listen(listener);
        }
    }

    /**
     * Reports this cache's events to {@code listener} too (beside the listeners it has), and tells it at once of the
     * sources there are.
     */
    void listen(TokenEvents listener) {
        if (listener == TokenEvents.NONE) {
            return;
        }
        TokenEvents added = listener instanceof SafeTokenEvents ? listener : new SafeTokenEvents(listener);
        synchronized (providers) {
            listeners = listeners.with(added);
            TokenEvents all = events();
            providers.values().forEach(provider -> {
                provider.events(all);
                added.sourceCreated(provider.config().name(), provider);
            });
            exchanges.values().forEach(exchange -> exchange.events(all));
        }
    }

    /** @return what the sources report to: the listeners, or nothing (then cache hits are not even counted) */
    private TokenEvents events() {
        return listeners.isEmpty() ? TokenEvents.NONE : listeners;
    }

    @Override
    public void close() {
        ExecutorService ended;
        TokenEvents listener;
        synchronized (providers) {
            providers.clear();
            exchanges.clear();
            listener = listeners;
            listeners = TokenListeners.NONE;
            ended = ownExecutor;
            ownExecutor = null;
        }
        try {
            listener.closed();
            if (ended != null) {
                // not shutdownNow(): a refresh in flight completes instead of failing its callers with INTERRUPTED
                ended.shutdown();
            }
        } finally {
            sources.close();
        }
        LOG.fine("token cache closed: providers, HTTP clients and refresh threads released");
    }

    private Executor executor() {
        if (configuredExecutor != null) {
            return configuredExecutor;
        }
        Executor container = containers.get();
        if (container != null) {
            // the container's: it stops with the application, and is never shut down by the library
            return container;
        }
        synchronized (providers) {
            if (ownExecutor == null) {
                ownExecutor = daemonThreads();
            }
            return ownExecutor;
        }
    }

    @Override
    public int size() {
        synchronized (providers) {
            return providers.size();
        }
    }

    @Override
    public int capacity() {
        synchronized (providers) {
            return capacity;
        }
    }

    private void evictBeyondCapacity() {
        while (providers.size() > capacity) {
            // O(n) over at most `capacity` entries, only when a new key arrives: keeps the token path lock-free.
            providers.entrySet().stream()
                    .min(Comparator.comparingLong(e -> e.getValue().lastUsedMillis()))
                    .map(Map.Entry::getKey)
                    .ifPresent(providers::remove);
        }
    }

    /** Without an application's or a container's executor, a pool of daemon threads of the cache's own. */
    private static ExecutorService daemonThreads() {
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "oauth-filter-refresh-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
