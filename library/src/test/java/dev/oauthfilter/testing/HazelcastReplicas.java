package dev.oauthfilter.testing;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.core.HazelcastInstance;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicas of a Hazelcast fleet, embedded members ({@link HazelcastCluster}) or clients ({@link HazelcastClients})
 * alike: each a Hazelcast instance with a caching provider and a {@link CacheManager} of its own, as each replica of an
 * application has. Not thread-safe: its owner guards it.
 */
final class HazelcastReplicas {

    /** At most this many replicas: a cluster of members lists the ports of all of them for joining. */
    static final int MAX_REPLICAS = 8;

    private final String kind;
    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final List<CachingProvider> providers = new ArrayList<>();
    private final List<CacheManager> managers = new ArrayList<>();

    /** @param kind what a replica is, for messages ("members", "clients") */
    HazelcastReplicas(String kind) {
        this.kind = kind;
    }

    /** @return how many replicas were added (killed ones included) */
    int size() {
        return instances.size();
    }

    /** @throws IllegalStateException when the fleet has as many replicas as it may have */
    void requireRoom() {
        if (instances.size() >= MAX_REPLICAS) {
            throw new IllegalStateException("at most " + MAX_REPLICAS + " " + kind);
        }
    }

    /**
     * Adds a started instance as the next replica, with its own caching provider and that provider's default URI and
     * class loader, which Hazelcast makes part of every cache's cluster-wide name.
     *
     * @return the replica's cache manager
     */
    CacheManager add(HazelcastInstance instance, CachingProvider provider) {
        instances.add(instance);
        providers.add(provider);
        CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                HazelcastCachingProvider.propertiesByInstanceItself(instance));
        managers.add(manager);
        return manager;
    }

    HazelcastInstance instance(int index) {
        return instances.get(index);
    }

    CacheManager manager(int index) {
        return managers.get(index);
    }

    /** Ends replica {@code index} at once, as a crashed process (its cache manager then fails every call). */
    void kill(int index) {
        instances.get(index).getLifecycleService().terminate();
    }

    /** Empties the library's caches, through the first replica that still runs. */
    void clearCaches(JCacheFleet fleet) {
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).getLifecycleService().isRunning()) {
                for (String name : List.of("oauth-filter-tokens", "oauth-filter-leases")) {
                    Cache<String, String> cache = fleet.cache(i, name);
                    if (cache != null) {
                        cache.clear();
                    }
                }
                return;
            }
        }
    }

    /** Ends every replica. */
    void close() {
        for (CachingProvider provider : providers) {
            provider.close();
        }
        for (HazelcastInstance instance : instances) {
            instance.getLifecycleService().terminate();
        }
        providers.clear();
        managers.clear();
        instances.clear();
    }
}
