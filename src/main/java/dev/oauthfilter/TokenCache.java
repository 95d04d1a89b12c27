package dev.oauthfilter;

import dev.oauthfilter.cache.ExchangedTokens;
import dev.oauthfilter.cache.RefreshingTokenProvider;
import dev.oauthfilter.cache.TokenSources;

import javax.cache.CacheManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * A bounded cache of caching token providers, keyed by everything that makes a token different: token endpoint,
 * client id and secret, authentication method, scope, audience, resources and extra parameters. Two configurations
 * with the same key share one provider, and so one token; differently configured clients never see each other's
 * token. When full, the provider used least recently is dropped (callers still holding it keep a working provider).
 *
 * <pre>{@code
 * TokenCache cache = TokenCache.builder().capacity(10).clock(clock).build();
 * TokenProvider tokens = cache.provider(config);
 * }</pre>
 *
 * <p>Settings that do not change the token (timeouts, refresh window) are taken from the first configuration of a
 * key.
 *
 * <p>{@link #close()} releases the cache's threads and HTTP clients; the library's CDI extension does it for the
 * shared cache when the application stops, so that a redeployed application leaves nothing behind.
 */
public final class TokenCache implements AutoCloseable {

    private static final class Shared {
        static final TokenCache INSTANCE = new TokenCache(builder(), true);
    }

    private static final Logger LOG = Logger.getLogger(TokenCache.class.getName());

    private final Clock clock;
    private final Executor configuredExecutor;
    // refresh tasks go through this, so that a pool of the library's own can be ended by close() and made anew
    private final Executor executor = task -> executor().execute(task);
    private final boolean growsWithConfig;
    private final Map<Object, RefreshingTokenProvider> providers = new HashMap<>();
    // token exchanges (RFC 8693) by configuration: few, one per exchanging client
    private final Map<Object, ExchangedTokens> exchanges = new HashMap<>();
    private final TokenSources sources;
    private ExecutorService ownExecutor;
    private int capacity;
    // written under the providers' lock, read without it (a cache that reports with the shared one reads the shared
    // cache's listener while it holds its own lock)
    private volatile TokenEvents events;
    private final TokenEvents unlistened;

    private TokenCache(Builder builder, boolean growsWithConfig) {
        this.clock = builder.clock;
        this.configuredExecutor = builder.executor;
        this.capacity = builder.capacity;
        this.growsWithConfig = growsWithConfig;
        this.unlistened = builder.reportsWithShared ? WithShared.EVENTS : TokenEvents.NONE;
        this.events = unlistened;
        if (builder.reportsWithShared) {
            WithShared.CACHES.add(this);
        }
        this.sources = builder.sharedVia == null ? new TokenSources(clock, executor)
                : new TokenSources(clock, executor, builder.sharedVia, builder.sharedStoreTimeout, builder.sharedLeaseTime);
    }

    /**
     * The cache behind {@link TokenProvider#of(OAuthClientConfig)}: system clock, daemon refresh threads, and a
     * capacity that grows to the largest {@link OAuthClientConfig#cacheSize()} it has been asked with.
     *
     * @return the shared cache of this class loader
     */
    public static TokenCache shared() {
        return Shared.INSTANCE;
    }

    /** @return a builder for a cache of one's own (tests, or an application that wants its own clock/executor) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The provider for a configuration: the cached one when an equivalent configuration asked before.
     *
     * @param config the client
     * @return its caching, thread-safe provider: the configuration's rules over a token source shared with every
     *         configuration of the same endpoint, credentials, TLS context and timeouts
     */
    public ClientTokenProvider provider(OAuthClientConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (providers) {
            if (growsWithConfig && config.cacheSize() > capacity) {
                capacity = config.cacheSize();
            }
            RefreshingTokenProvider provider = providers.get(config.sourceKey());
            if (provider == null) {
                provider = sources.create(config);
                provider.events(events);
                events.sourceCreated(config.name(), provider);
                providers.put(config.sourceKey(), provider);
                evictBeyondCapacity();
            }
            return new ClientTokenProvider(config.name(), ClientPolicy.of(config), provider, provider);
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
                exchange.events(events);
                return exchange;
            });
        }
    }

    /**
     * Reports what happens to the tokens of this cache's providers (present and future) to {@code events}: how
     * the library's MicroProfile Metrics binding gets its figures.
     *
     * @param events the listener
     */
    public void events(TokenEvents events) {
        Objects.requireNonNull(events, "events");
        TokenEvents safe = new SafeTokenEvents(events);
        synchronized (providers) {
            this.events = safe;
            providers.values().forEach(provider -> {
                provider.events(safe);
                safe.sourceCreated(provider.config().name(), provider);
            });
            exchanges.values().forEach(exchange -> exchange.events(safe));
        }
        if (this == Shared.INSTANCE) {
            // outside this cache's lock: those caches read this one's listener under their own
            for (TokenCache reporting : WithShared.caches()) {
                reporting.announceSources(safe);
            }
        }
    }

    /** Tells {@code listener} of this cache's sources: it now hears of them (the shared cache's new listener). */
    private void announceSources(TokenEvents listener) {
        synchronized (providers) {
            if (events == unlistened) {
                providers.values().forEach(provider -> listener.sourceCreated(provider.config().name(), provider));
            }
        }
    }

    /**
     * Releases what the cache started: its providers (callers still holding one keep a working provider), its HTTP
     * clients and their threads, and its own refresh threads (not a container's managed executor). The cache stays
     * usable and makes them anew when asked again.
     */
    @Override
    public void close() {
        ExecutorService ended;
        TokenEvents listener;
        synchronized (providers) {
            providers.clear();
            exchanges.clear();
            listener = events;
            events = unlistened;
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
        Executor managed = ManagedExecutor.INSTANCE.orElse(null);
        if (managed != null) {
            // the container's: it stops with the application, and is never shut down by the library
            return managed;
        }
        synchronized (providers) {
            if (ownExecutor == null) {
                ownExecutor = daemonThreads();
            }
            return ownExecutor;
        }
    }

    /** @return how many clients' providers the cache holds */
    public int size() {
        synchronized (providers) {
            return providers.size();
        }
    }

    /** @return the most providers the cache holds */
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

    /** The caches that report with the shared one, and the listener that passes their events on to its own. */
    private static final class WithShared {
        // weak: a cache closed and forgotten by its application is not kept alive here
        static final Set<TokenCache> CACHES = Collections.synchronizedSet(
                Collections.newSetFromMap(new WeakHashMap<>()));
        static final TokenEvents EVENTS = new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                Shared.INSTANCE.events.tokenRequest(client, outcome, took);
            }

            @Override
            public void backgroundRefresh(String client) {
                Shared.INSTANCE.events.backgroundRefresh(client);
            }

            @Override
            public void waited(String client) {
                Shared.INSTANCE.events.waited(client);
            }

            @Override
            public void sourceCreated(String client, TokenStatus status) {
                Shared.INSTANCE.events.sourceCreated(client, status);
            }

            // closed() is not passed on: the shared cache's listener releases what it registered when that cache
            // closes, with the application
        };

        static List<TokenCache> caches() {
            synchronized (CACHES) {
                return new ArrayList<>(CACHES);
            }
        }
    }

    /**
     * In a Jakarta EE container with Concurrency enabled, its default {@code ManagedExecutorService}: refresh tasks
     * then run with the application's context and stop with it. Looked up once per class loader, so per application.
     */
    private static final class ManagedExecutor {
        static final Optional<Executor> INSTANCE = lookUp();

        private static Optional<Executor> lookUp() {
            try {
                Object managed = new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
                if (managed instanceof Executor) {
                    LOG.fine("refreshing tokens on the container's DefaultManagedExecutorService");
                    return Optional.of((Executor) managed);
                }
            } catch (NamingException | RuntimeException | LinkageError notInAContainer) {
                LOG.finest(() -> "no managed executor: " + notInAContainer.getClass().getName());
            }
            return Optional.empty();
        }
    }

    /** Elsewhere, a pool of daemon threads of the cache's own, which {@link #close()} ends. */
    private static ExecutorService daemonThreads() {
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "oauth-filter-refresh-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Builds a {@link TokenCache}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private int capacity = 100;
        private CacheManager sharedVia;
        private Duration sharedStoreTimeout = Duration.ofMillis(500);
        private Duration sharedLeaseTime = Duration.ofSeconds(5);
        private boolean reportsWithShared;

        private Builder() {
        }

        /**
         * @param clock decides when tokens are stale or expired; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param executor runs token requests; default the container's {@code DefaultManagedExecutorService} when
         *                 there is one, else a pool of daemon threads
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param capacity how many clients' tokens to keep; default 100
         * @return this builder
         */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw TokenException.builder(ErrorCode.INVALID_SETTING)
                        .message("cache capacity must be at least 1, was " + capacity).build();
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Reports this cache's token events to whatever listens to {@link TokenCache#shared()}, now or later (until
         * {@link TokenCache#events(TokenEvents)} gives this cache a listener of its own): how the MicroProfile Metrics
         * binding, which the CDI extension installs on the shared cache, also counts the tokens of a cache of the
         * application's own, such as the one that shares tokens with a fleet.
         *
         * @return this builder
         */
        public Builder reportsWithShared() {
            this.reportsWithShared = true;
            return this;
        }

        /**
         * Shares every token of the cache with the other members of a fleet (replicas of one application) through
         * the JCache caches {@code oauth-filter-tokens} and {@code oauth-filter-leases} of {@code manager}, created
         * when the manager does not define them: one token request per client and token lifetime for the whole
         * fleet, instead of one per member. Tokens are stored encrypted and authenticated with keys derived from each
         * client's secret or private key, under names that reveal no client id. The cached path stays local; the
         * caches are read only when a token is missing or due for refresh. When they fail or are slow (see
         * {@link #sharedStoreTimeout}), members fetch their own tokens, as without sharing. On Infinispan, define
         * both caches (replicated or distributed) in its configuration: a cache it does not define is local to each
         * member, and nothing would be shared.
         *
         * <pre>{@code
         * CacheManager manager = Caching.getCachingProvider("com.hazelcast.cache.HazelcastCachingProvider")
         *         .getCacheManager();
         * TokenCache cache = TokenCache.builder().sharedVia(manager).build();
         * }</pre>
         *
         * @param manager a JCache (JSR-107) cache manager shared by the fleet, e.g. Hazelcast's or Infinispan's
         * @return this builder
         */
        public Builder sharedVia(CacheManager manager) {
            this.sharedVia = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * @param timeout the longest one operation on the shared caches may take before a member goes on without
         *                them (for 30 s, then it tries again); default 500 ms
         * @return this builder
         */
        public Builder sharedStoreTimeout(Duration timeout) {
            this.sharedStoreTimeout = positive(timeout, "shared store timeout");
            return this;
        }

        /**
         * @param leaseTime how long one member fetches for the fleet before another may take over (a member that
         *                  died while fetching holds nobody up for longer); default 5 s
         * @return this builder
         */
        public Builder sharedLeaseTime(Duration leaseTime) {
            this.sharedLeaseTime = positive(leaseTime, "shared lease time");
            return this;
        }

        private static Duration positive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw TokenException.builder(ErrorCode.INVALID_SETTING)
                        .message(what + " must be positive, was " + value).build();
            }
            return value;
        }

        /** @return the cache */
        public TokenCache build() {
            return new TokenCache(this, false);
        }
    }
}
