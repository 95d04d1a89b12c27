package dev.oauthfilter.testing;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.util.Map;
import java.util.Properties;

/**
 * One replica's {@link CacheManager} of an {@link InMemoryJCacheFleet}: creates and looks up the fleet's shared
 * caches (a typed look-up of a cache of other types is refused, as JCache does); once killed, it and its caches fail
 * every call, as a crashed member's do.
 */
final class InMemoryCacheManager implements CacheManager {

    private final int index;
    private final Map<String, InMemoryCache.Shared> caches;
    private final InMemoryJCacheFleet.Expiry expiry;
    private final InMemoryJCacheFleet.Hook hook;
    private volatile boolean killed;

    InMemoryCacheManager(int index, Map<String, InMemoryCache.Shared> caches, InMemoryJCacheFleet.Expiry expiry,
                         InMemoryJCacheFleet.Hook hook) {
        this.index = index;
        this.caches = caches;
        this.expiry = expiry;
        this.hook = hook;
    }

    void kill() {
        killed = true;
    }

    /**
     * Lets the fleet's hook see an operation about to run (also one that will fail: what a test counts is what
     * the library attempted).
     *
     * @throws IllegalStateException once the replica was killed (what Hazelcast throws for a member gone)
     */
    void enter(String cache, String operation, Object key) {
        hook.before(new InMemoryJCacheFleet.Operation(index, cache, operation, key == null ? null : key.toString()));
        if (killed) {
            throw new IllegalStateException("replica " + index + " was killed");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String name, C settings) {
        enter(name, "createCache", null);
        if (caches.putIfAbsent(name, InMemoryCache.Shared.of(settings)) != null) {
            throw new CacheException("cache " + name + " exists");
        }
        return (Cache<K, V>) view(name, caches.get(name));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String name, Class<K> keyType, Class<V> valueType) {
        enter(name, "getCache", null);
        InMemoryCache.Shared shared = caches.get(name);
        if (shared == null) {
            return null;
        }
        if (shared.keyType != keyType || shared.valueType != valueType) {
            throw new IllegalArgumentException("cache " + name + " holds " + shared.keyType.getName() + " → "
                    + shared.valueType.getName());
        }
        return (Cache<K, V>) view(name, shared);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String name) {
        enter(name, "getCache", null);
        InMemoryCache.Shared shared = caches.get(name);
        return shared == null ? null : (Cache<K, V>) view(name, shared);
    }

    private InMemoryCache view(String name, InMemoryCache.Shared shared) {
        return expiry == InMemoryJCacheFleet.Expiry.PER_ENTRY ? new InMemoryCache.PerEntry(name, shared, this)
                : new InMemoryCache(name, shared, this);
    }

    @Override
    public Iterable<String> getCacheNames() {
        enter("", "getCacheNames", null);
        return caches.keySet();
    }

    @Override
    public void destroyCache(String name) {
        enter(name, "destroyCache", null);
        caches.remove(name);
    }

    @Override
    public CachingProvider getCachingProvider() {
        throw new UnsupportedOperationException("not used by the library");
    }

    @Override
    public URI getURI() {
        return URI.create("in-memory:replica-" + index);
    }

    @Override
    public ClassLoader getClassLoader() {
        return getClass().getClassLoader();
    }

    @Override
    public Properties getProperties() {
        return new Properties();
    }

    @Override
    public void enableManagement(String name, boolean enabled) {
        throw new UnsupportedOperationException("not used by the library");
    }

    @Override
    public void enableStatistics(String name, boolean enabled) {
        throw new UnsupportedOperationException("not used by the library");
    }

    @Override
    public void close() {
        killed = true;
    }

    @Override
    public boolean isClosed() {
        return killed;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("not a " + type.getName());
    }

    @Override
    public String toString() {
        return "in-memory replica " + index;
    }
}
