package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.testing.InMemoryJCacheFleet;
import dev.oauthfilter.testing.InMemoryJCacheFleet.Expiry;
import org.infinispan.AdvancedCache;
import org.infinispan.jcache.embedded.JCachingProvider;
import org.junit.jupiter.api.Test;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A put whose entry expires with its token, by each way a provider offers: a {@code put(key, value, ExpiryPolicy)} of
 * the cache's interface (Hazelcast's way, on the in-memory fleet), the native cache that {@code unwrap} gives
 * (Infinispan's, on a local Infinispan cache manager), and elsewhere a plain put, the entry living as the cache's own
 * policy says; a lifetime of zero or less is a plain put; what the provider throws reaches the caller as it was thrown.
 */
class ExpiringPutTest {

    private static final Duration CACHE_POLICY = Duration.ofHours(24);

    /** The cache {@link SharedStore#TOKENS} of {@code manager}, made as the library makes it, first seen here. */
    private static Cache<String, String> tokensOf(CacheManager manager) {
        return firstSeen(manager.createCache(SharedStore.TOKENS, new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(TimeUnit.HOURS, CACHE_POLICY.toHours())))));
    }

    /**
     * Makes {@link ExpiringPut} forget what it learnt of {@code cache}'s class, as in a JVM where it meets it first:
     * it looks each class up once per JVM (a {@code ClassValue}), and a test of the look-up must not depend on which
     * test of the JVM made it first (mutation testing runs many tests, and many versions of the class, in one JVM).
     */
    private static <C> C firstSeen(C cache) {
        try {
            Field ways = ExpiringPut.class.getDeclaredField("WAYS");
            ways.setAccessible(true);
            ((ClassValue<?>) ways.get(null)).remove(cache.getClass());
            return cache;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("ExpiringPut keeps its ways elsewhere now: update this test", e);
        }
    }

    @Test
    void whereTheCacheTakesAnExpiryPolicyPerPutTheEntryLivesAsLongAsItsToken() throws Exception {
        try (InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.PER_ENTRY)) {
            Cache<String, String> tokens = tokensOf(fleet.manager(0));

            ExpiringPut.put(tokens, "entry", "sealed", Duration.ofSeconds(90));

            assertThat(tokens.get("entry")).isEqualTo("sealed");
            assertThat(fleet.perEntryPuts(SharedStore.TOKENS)).isEqualTo(1);
            assertThat(fleet.timeToLive(SharedStore.TOKENS, "entry")).hasValueSatisfying(left -> assertThat(left)
                    .isLessThanOrEqualTo(Duration.ofSeconds(90)).isGreaterThan(Duration.ofSeconds(80)));
        }
    }

    @Test
    void aLifetimeOfZeroOrLessIsAPlainPutThatLivesAsTheCacheSays() throws Exception {
        try (InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.PER_ENTRY)) {
            Cache<String, String> tokens = tokensOf(fleet.manager(0));

            ExpiringPut.put(tokens, "zero", "sealed", Duration.ZERO);
            ExpiringPut.put(tokens, "negative", "sealed", Duration.ofMillis(-1));

            assertThat(fleet.perEntryPuts(SharedStore.TOKENS)).isZero();
            for (String key : new String[]{"zero", "negative"}) {
                assertThat(fleet.timeToLive(SharedStore.TOKENS, key)).as(key).hasValueSatisfying(left ->
                        assertThat(left).isGreaterThan(CACHE_POLICY.minusMinutes(1)));
            }
        }
    }

    @Test
    void elsewhereItIsAPlainPutThatLivesAsTheCacheSays() throws Exception {
        try (InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.CACHE_POLICY)) {
            Cache<String, String> tokens = tokensOf(fleet.manager(0));

            ExpiringPut.put(tokens, "entry", "sealed", Duration.ofSeconds(90));

            assertThat(tokens.get("entry")).isEqualTo("sealed");
            assertThat(fleet.timeToLive(SharedStore.TOKENS, "entry")).hasValueSatisfying(left ->
                    assertThat(left).isGreaterThan(CACHE_POLICY.minusMinutes(1)));
        }
    }

    @Test
    void onInfinispanTheNativeCacheGivesTheEntryTheTokensLifespan() throws Exception {
        CachingProvider provider = new JCachingProvider();
        try {
            // a local cache manager of its own: Infinispan's JCache class, no cluster
            CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), getClass().getClassLoader());
            Cache<String, String> tokens = tokensOf(manager);

            ExpiringPut.put(tokens, "entry", "sealed", Duration.ofSeconds(90));

            assertThat(tokens.get("entry")).isEqualTo("sealed");
            assertThat(tokens.unwrap(AdvancedCache.class).getCacheEntry("entry").getLifespan())
                    .isEqualTo(Duration.ofSeconds(90).toMillis());
        } finally {
            provider.close();
        }
    }

    @Test
    void whatTheProviderThrowsReachesTheCallerUnwrapped() {
        try (InMemoryJCacheFleet fleet = new InMemoryJCacheFleet(Expiry.PER_ENTRY)) {
            Cache<String, String> tokens = tokensOf(fleet.manager(0));
            fleet.kill(0);

            assertThatThrownBy(() -> ExpiringPut.put(tokens, "entry", "sealed", Duration.ofSeconds(90)))
                    .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("killed");
        }
    }

    @Test
    void anErrorOfTheProviderReachesTheCallerInItsReflectiveWrapper() {
        Cache<String, String> failing = perEntryCache((key, value, policy) -> {
            throw new AssertionError("the provider's own error");
        });

        assertThatThrownBy(() -> ExpiringPut.put(failing, "entry", "sealed", Duration.ofSeconds(90)))
                .isInstanceOf(InvocationTargetException.class).cause().isInstanceOf(AssertionError.class);
    }

    /** A put with an expiry policy of its own. */
    @FunctionalInterface
    private interface PerEntryPut {
        void put(Object key, Object value, ExpiryPolicy policy);
    }

    /** A cache of which only the per-entry put works: a class of its own for {@link ExpiringPut}'s look-up. */
    @SuppressWarnings("unchecked")
    private static Cache<String, String> perEntryCache(PerEntryPut put) {
        return firstSeen((Cache<String, String>) Proxy.newProxyInstance(ExpiringPutTest.class.getClassLoader(),
                new Class<?>[]{Cache.class, InMemoryJCacheFleet.PerEntryExpiry.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && args.length == 3) {
                        put.put(args[0], args[1], (ExpiryPolicy) args[2]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.toString());
                }));
    }
}
