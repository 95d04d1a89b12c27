package dev.oauthfilter.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.cache.CacheManager;
import javax.cache.expiry.ExpiryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fleet whose shared store is a map in this JVM: each replica a {@link CacheManager} of its own over the same
 * caches, as the members of a cluster see them, without the cluster (so that mutation testing can run the fleet
 * scenarios hundreds of times). Entries expire, on the JVM's monotonic clock, by the expiry policy the library gives:
 * the cache's own (JCache: creation, update; an update whose policy says nothing keeps the entry's expiry), or, where
 * the fleet offers it ({@link Expiry#PER_ENTRY}), the policy of one put, through a {@code put(key, value,
 * ExpiryPolicy)} of an interface of the cache ({@link PerEntryExpiry}), as Hazelcast's {@code ICache} has.
 * {@link #kill} makes a replica's manager and caches fail every call, as a crashed member's.
 *
 * <p>Register it on a static field: the caches are emptied after each test.
 */
public final class InMemoryJCacheFleet implements JCacheFleet, AfterEachCallback, AfterAllCallback {

    /** What a put of the caches can be told about the entry's lifetime. */
    public enum Expiry {
        /** the caches implement {@link PerEntryExpiry}: a put may carry a policy of its own (as Hazelcast's) */
        PER_ENTRY,
        /** plain JCache: the cache's own policy only */
        CACHE_POLICY
    }

    /**
     * A put whose entry expires by a policy of its own, as Hazelcast's {@code ICache.put(K, V, ExpiryPolicy)}: what
     * the library looks for by reflection. Public, so that it can call it.
     */
    public interface PerEntryExpiry {
        /**
         * @param key    the entry's key
         * @param value  its value
         * @param policy its lifetime: creation for a new entry, update for one that is there
         */
        void put(Object key, Object value, ExpiryPolicy policy);
    }

    /** One call to a replica's manager or cache, as a {@link Hook} sees it before it runs. */
    public static final class Operation {
        /** the replica whose manager or cache is called */
        public final int replica;
        /** the cache's name */
        public final String cache;
        /** the method's name: {@code get}, {@code putIfAbsent}, {@code createCache}, ... */
        public final String name;
        /** the key, or null for an operation of the manager or of the whole cache */
        public final String key;

        Operation(int replica, String cache, String name, String key) {
            this.replica = replica;
            this.cache = cache;
            this.name = name;
            this.key = key;
        }

        /** @return whether this is {@code name} on cache {@code cache} */
        public boolean is(String cache, String name) {
            return this.cache.equals(cache) && this.name.equals(name);
        }

        @Override
        public String toString() {
            return name + "(" + cache + (key == null ? "" : ", " + key) + ") on replica " + replica;
        }
    }

    /** What a test does before an operation runs: another member's write in between, a store that hangs, ... */
    @FunctionalInterface
    public interface Hook {
        /** @param operation about to run, on the calling thread (the library's store thread) */
        void before(Operation operation);
    }

    private static final Hook NONE = operation -> { };

    private final Expiry expiry;
    private final Map<String, InMemoryCache.Shared> caches = new ConcurrentHashMap<>();
    private final List<InMemoryCacheManager> replicas = new ArrayList<>();
    private volatile Hook hook = NONE;

    /** @param expiry whether a put may carry an expiry policy of its own */
    public InMemoryJCacheFleet(Expiry expiry) {
        this.expiry = expiry;
    }

    @Override
    public synchronized CacheManager manager(int index) {
        while (replicas.size() <= index) {
            start();
        }
        return replicas.get(index);
    }

    @Override
    public synchronized CacheManager start() {
        InMemoryCacheManager replica = new InMemoryCacheManager(replicas.size(), caches, expiry,
                operation -> hook.before(operation));
        replicas.add(replica);
        return replica;
    }

    @Override
    public synchronized void kill(int index) {
        replicas.get(index).kill();
    }

    /** @param hook what runs before every operation of every replica from now on (until the test ends) */
    public void intercept(Hook hook) {
        this.hook = hook;
    }

    /**
     * Defines a cache as a provider's own configuration may (Infinispan's {@code <replicated-cache>}): with no key
     * and value types, so that JCache refuses a typed look-up of it; and with no expiry.
     */
    public void declareWithoutTypes(String name) {
        caches.putIfAbsent(name, new InMemoryCache.Shared(Object.class, Object.class, null));
    }

    /**
     * @return how long the entry {@code key} of cache {@code name} has left to live, empty when there is none
     *         ({@link InMemoryCache#FOREVER} when it never expires)
     */
    public Optional<Duration> timeToLive(String name, String key) {
        InMemoryCache.Shared cache = caches.get(name);
        return cache == null ? Optional.empty() : cache.timeToLive(key);
    }

    /** @return how many puts of cache {@code name} carried an expiry policy of their own */
    public int perEntryPuts(String name) {
        InMemoryCache.Shared cache = caches.get(name);
        return cache == null ? 0 : cache.perEntryPuts();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        hook = NONE;
        caches.values().forEach(InMemoryCache.Shared::clear);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        replicas.forEach(InMemoryCacheManager::close);
        replicas.clear();
        caches.clear();
    }
}
