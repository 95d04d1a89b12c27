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
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final int EVICTION_SAMPLE = 16;
    private static final long THRASH_WARNING_INTERVAL_MILLIS = 60_000;

    private final Executor configuredExecutor;
    // the container's managed executor, looked up when the first refresh needs one (on a thread of the application,
    // with its naming context), or null
    private final Supplier<Executor> containers;
    // the owner whose listener this cache's listener is (the application's default cache), or null
    private final ApplicationClients owner;
    // refresh tasks go through this, so that a pool of the cache's own can be ended by close() and made anew
    private final Executor executor = task -> executor().execute(task);
    // read without a lock on every lookup; written (and iterated) only under `lock`
    private final Map<Object, RefreshingTokenSource> providers = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    // token exchanges (RFC 8693) by configuration: few, one per exchanging client
    private final Map<Object, ExchangedTokens> exchanges = new HashMap<>();
    private final TokenSources sources;
    private ExecutorService ownExecutor;
    private int capacity;
    private TokenListeners listeners = TokenListeners.NONE;
    // the sources in the order they came in or were last given a second chance (under `lock`): where eviction looks
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final Clock clock;
    // sources evicted with a usable token since the last warning, and when the next warning may be logged
    private int evictedWithToken;
    private long nextThrashWarning = Long.MIN_VALUE;

    /** A source where eviction looks at it, with when it had last been used when it was put there. */
    private static final class Entry {
        final Object key;
        final RefreshingTokenSource source;
        final long lastUsedWhenQueued;

        Entry(Object key, RefreshingTokenSource source) {
            this.key = key;
            this.source = source;
            this.lastUsedWhenQueued = source.lastUsedMillis();
        }
    }

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
        this.clock = clock;
        this.containers = containers;
        this.owner = owner;
        this.capacity = capacity;
        this.sources = sharedVia == null ? new TokenSources(clock, this.executor)
                : new TokenSources(clock, this.executor, sharedVia, storeTimeout, leaseTime);
    }

    @Override
    public ConfiguredClient provider(OAuthClientConfig config) {
        Objects.requireNonNull(config, "config");
        RefreshingTokenSource provider = providers.get(config.sourceKey());
        if (provider == null) {
            synchronized (lock) {
                provider = providers.get(config.sourceKey());
                if (provider == null) {
                    provider = sources.create(config);
                    provider.events(events());
                    listeners.sourceCreated(config.name(), provider);
                    providers.put(config.sourceKey(), provider);
                    order.addLast(new Entry(config.sourceKey(), provider));
                    evictBeyondCapacity();
                }
            }
        }
        return new ConfiguredClient(config.name(), config.policy(), provider, provider);
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
        synchronized (lock) {
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
        synchronized (lock) {
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
        synchronized (lock) {
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
        synchronized (lock) {
            providers.clear();
            order.clear();
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
        synchronized (lock) {
            if (ownExecutor == null) {
                ownExecutor = daemonThreads();
            }
            return ownExecutor;
        }
    }

    @Override
    public int size() {
        synchronized (lock) {
            return providers.size();
        }
    }

    @Override
    public int capacity() {
        synchronized (lock) {
            return capacity;
        }
    }

    /**
     * Drops sources until the capacity holds, each time the least recently used of the {@value #EVICTION_SAMPLE}
     * eldest in {@code order}: exact LRU up to that many sources, and beyond it a constant cost per new source rather
     * than a scan of them all (with ten thousand clients and churn, a scan per miss under the lock would bound how
     * many clients per second the whole application can add). A source used since it was queued gets a second chance
     * at the tail, so busy sources leave the eldest end.
     */
    private void evictBeyondCapacity() {
        while (providers.size() > capacity && !order.isEmpty()) {
            Entry[] sample = new Entry[EVICTION_SAMPLE];
            int sampled = 0;
            while (sampled < EVICTION_SAMPLE && !order.isEmpty()) {
                Entry entry = order.pollFirst();
                if (providers.get(entry.key) == entry.source) {
                    sample[sampled++] = entry;
                }
            }
            int victim = 0;
            for (int i = 1; i < sampled; i++) {
                if (sample[i].source.lastUsedMillis() < sample[victim].source.lastUsedMillis()) {
                    victim = i;
                }
            }
            // the others go back: to the tail when used since they were queued (a second chance), else where they were
            for (int i = sampled - 1; i >= 0; i--) {
                Entry entry = sample[i];
                if (i == victim) {
                    continue;
                }
                if (entry.source.lastUsedMillis() > entry.lastUsedWhenQueued) {
                    order.addLast(new Entry(entry.key, entry.source));
                } else {
                    order.addFirst(entry);
                }
            }
            if (sampled > 0) {
                evicted(sample[victim]);
            }
        }
    }

    private void evicted(Entry entry) {
        providers.remove(entry.key);
        if (entry.source.secondsUntilExpiry() == 0) {
            return;
        }
        // a source dropped while its token is still good: the next use of that client asks for a token again
        evictedWithToken++;
        long now = clock.millis();
        if (now >= nextThrashWarning) {
            int evicted = evictedWithToken;
            int kept = capacity;
            LOG.warning(() -> "the token cache keeps " + kept + " clients and the application uses more: " + evicted
                    + " client(s) dropped with a token still valid since the last such warning (least recently used"
                    + " first); each asks the token endpoint again when it is next used. Raise the capacity: cache-size"
                    + " for the clients of MicroProfile Config (oauth.cache-size, OAUTH_CACHE_SIZE), or"
                    + " TokenCache.builder().capacity(n) for a cache of one's own");
            evictedWithToken = 0;
            nextThrashWarning = now > Long.MAX_VALUE - THRASH_WARNING_INTERVAL_MILLIS ? Long.MAX_VALUE
                    : now + THRASH_WARNING_INTERVAL_MILLIS;
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
