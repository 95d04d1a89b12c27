package dev.oauthfilter.testing;

import javax.cache.Cache;
import javax.cache.CacheManager;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The replicas of a fleet as one JCache engine sees them: each with its own {@link CacheManager} on a store they share
 * (Hazelcast members, Hazelcast clients of a member cluster, Infinispan members). What the fleet conformance tests
 * need of an engine, and nothing of how it is made.
 */
public interface JCacheFleet extends AutoCloseable {

    /** @return the cache manager of replica {@code index}, starting replicas up to it */
    CacheManager manager(int index);

    /** Starts one more replica; the shared store has it once this returns. */
    CacheManager start();

    /** Ends replica {@code index} at once, as a crashed process: its cache manager fails every call from now on. */
    void kill(int index);

    /** @return every entry of cache {@code name} as the shared store holds it, read through replica {@code index} */
    default Map<String, String> entries(int index, String name) {
        Map<String, String> all = new TreeMap<>();
        Cache<String, String> cache = cache(index, name);
        if (cache != null) {
            for (Cache.Entry<String, String> entry : cache) {
                all.put(entry.getKey(), entry.getValue());
            }
        }
        return all;
    }

    /**
     * @return cache {@code name} as replica {@code index} sees it, or null when nobody made it yet; typed or not, as
     *         the engine defines it
     */
    @SuppressWarnings("unchecked")
    default Cache<String, String> cache(int index, String name) {
        CacheManager manager = manager(index);
        try {
            return manager.getCache(name, String.class, String.class);
        } catch (ClassCastException | IllegalArgumentException definedWithoutTypes) {
            return (Cache<String, String>) (Cache<?, ?>) manager.getCache(name);
        }
    }

    /**
     * Waits (at most 10 s) until cache {@code name}, read through replica {@code index}, satisfies {@code condition}:
     * tokens are published in the background, after the caller has its token.
     *
     * @return the entries then
     */
    default Map<String, String> awaitEntries(int index, String name, Predicate<Map<String, String>> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        Map<String, String> entries = entries(index, name);
        while (!condition.test(entries) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            entries = entries(index, name);
        }
        return entries;
    }

    /** Ends every replica (and whatever the engine started for them). */
    @Override
    void close();
}
