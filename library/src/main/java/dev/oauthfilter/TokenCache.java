package dev.oauthfilter;

import javax.cache.CacheManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A bounded cache of caching token providers, keyed by everything that makes a token different: token endpoint,
 * client id and secret, authentication method, scope, audience, resources and extra parameters. Two configurations
 * with the same key share one token source, and so one token; differently configured clients never see each other's
 * token. When full, the source used least recently is dropped (callers still holding it keep a working provider).
 *
 * <pre>{@code
 * TokenCache cache = TokenCache.builder().capacity(10).clock(clock).build();
 * TokenProvider tokens = cache.provider(config);
 * }</pre>
 *
 * <p>Settings that do not change the token (timeouts, refresh window) are taken from the first configuration of a
 * key.
 *
 * <p>{@link #close()} releases the cache's threads and HTTP clients. The application's default cache
 * ({@link #shared()}) is closed by the library's CDI extension when the application stops, so that a redeployed
 * application leaves nothing behind; close a cache of one's own when done with it.
 */
public interface TokenCache extends AutoCloseable {

    /**
     * The cache behind {@link TokenProvider#of(OAuthClientConfig)} and the clients of MicroProfile Config: system
     * clock, the container's managed executor (else daemon refresh threads), and a capacity of 100 that grows to the
     * largest {@code oauth.cache-size} (or {@code oauth.<name>.cache-size}) of the clients MicroProfile Config
     * describes; a cache of one's own takes its capacity from {@link Builder#capacity(int)}. One per class loader, so
     * one per application.
     *
     * @return the application's default cache
     */
    static TokenCache shared() {
        return OAuthFilterDelegate.instance().defaultCache();
    }

    /** @return a builder for a cache of one's own (tests, or an application that wants its own clock/executor) */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The provider for a configuration: its rules (allowed hosts, 401 replay) over the token source of every
     * equivalent configuration that asked before (same endpoint, credentials, TLS context and timeouts).
     *
     * @param config the client
     * @return its caching, thread-safe provider
     */
    TokenProvider provider(OAuthClientConfig config);

    /**
     * Reports what happens to the tokens of this cache's providers (present and future) to {@code events} too,
     * beside the listeners the cache has: how the library's MicroProfile Metrics and OpenTelemetry bindings get their
     * figures and spans, side by side. A listener that throws is logged and ignored. The listeners of the
     * application's default cache ({@link #shared()}) hear every cache of the application's clients, the fleet-wide
     * one of {@code oauth.shared-cache.*} too. {@link #close()} drops every listener (after telling it).
     *
     * @param events one more listener ({@link TokenEvents#NONE} adds nothing)
     */
    void events(TokenEvents events);

    /** @return how many token sources the cache holds */
    int size();

    /** @return the most token sources the cache holds */
    int capacity();

    /**
     * Releases what the cache started: its providers (callers still holding one keep a working provider), its HTTP
     * clients and their threads, and its own refresh threads (not a container's managed executor). The cache stays
     * usable and makes them anew when asked again.
     */
    @Override
    void close();

    /** Builds a {@link TokenCache}. */
    final class Builder {
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private int capacity = 100;
        private CacheManager sharedVia;
        private Duration sharedStoreTimeout = Duration.ofMillis(500);
        private Duration sharedLeaseTime = Duration.ofSeconds(5);

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
                        .message("capacity(" + capacity + "): a token cache holds at least 1 client").build();
            }
            this.capacity = capacity;
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
            this.sharedStoreTimeout = positive(timeout, "sharedStoreTimeout");
            return this;
        }

        /**
         * @param leaseTime how long one member fetches for the fleet before another may take over (a member that
         *                  died while fetching holds nobody up for longer); default 5 s
         * @return this builder
         */
        public Builder sharedLeaseTime(Duration leaseTime) {
            this.sharedLeaseTime = positive(leaseTime, "sharedLeaseTime");
            return this;
        }

        private static Duration positive(Duration value, String method) {
            Objects.requireNonNull(value, method);
            if (value.isNegative() || value.isZero()) {
                throw TokenException.builder(ErrorCode.INVALID_SETTING)
                        .message(method + "(" + value + "): must be positive").build();
            }
            return value;
        }

        /** @return the cache */
        public TokenCache build() {
            return OAuthFilterDelegate.instance().newCache(clock, executor, capacity, sharedVia, sharedStoreTimeout,
                    sharedLeaseTime);
        }
    }
}
