package dev.oauthfilter.internal.tokens;

import javax.cache.Cache;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A put whose entry expires after a lifetime of its own, where the JCache provider offers one (JCache itself does not:
 * an expiry policy belongs to a whole cache). Found by reflection once per cache class, so that the library depends on
 * no provider:
 * <ul>
 *   <li>Hazelcast: {@code ICache.put(key, value, expiryPolicy)} on the cache itself;</li>
 *   <li>Infinispan: {@code BasicCache.put(key, value, lifespan, unit)} on the native cache that {@code unwrap} gives
 *       (Infinispan's JCache applies its expiry policy inside the cluster, with no way to pass one per entry);</li>
 *   <li>elsewhere a plain put: the entry lives as long as the cache's own policy says.</li>
 * </ul>
 */
final class ExpiringPut {

    private static final String INFINISPAN_NATIVE_CACHE = "org.infinispan.commons.api.BasicCache";

    /** One provider's way to put an entry that expires after {@code millis}. */
    @FunctionalInterface
    private interface Way {
        void put(Cache<String, String> cache, String key, String value, long millis) throws Exception;
    }

    private static final Way PLAIN = (cache, key, value, millis) -> cache.put(key, value);

    private static final ClassValue<Way> WAYS = new ClassValue<>() {
        @Override
        protected Way computeValue(Class<?> type) {
            Method hazelcast = expiryPolicyPut(type);
            if (hazelcast != null) {
                // expiry on creation and on update: a CreatedExpiryPolicy says nothing for an update, which JCache
                // reads as "keep the entry's expiry", so a republished token would leave with the previous one
                return (cache, key, value, millis) -> invoke(hazelcast, cache, key, value,
                        new ModifiedExpiryPolicy(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, millis)));
            }
            Class<?> infinispan = nativeCache(type);
            if (infinispan != null) {
                try {
                    Method put = infinispan.getMethod("put", Object.class, Object.class, long.class, TimeUnit.class);
                    return (cache, key, value, millis) -> {
                        Object target;
                        try {
                            target = cache.unwrap(infinispan);
                        } catch (IllegalArgumentException notUnwrappable) {
                            cache.put(key, value);
                            return;
                        }
                        invoke(put, target, key, value, millis, TimeUnit.MILLISECONDS);
                    };
                } catch (NoSuchMethodException | SecurityException e) {
                    return PLAIN;
                }
            }
            return PLAIN;
        }
    };

    private ExpiringPut() {
    }

    /** Puts {@code value} under {@code key} in {@code cache}, to expire after {@code lifetime} where it can. */
    static void put(Cache<String, String> cache, String key, String value, Duration lifetime) throws Exception {
        if (lifetime.isNegative() || lifetime.isZero()) {
            cache.put(key, value);
            return;
        }
        WAYS.get(cache.getClass()).put(cache, key, value, lifetime.toMillis());
    }

    /** @return a public {@code put(Object, Object, ExpiryPolicy)} of an interface {@code type} implements, or null */
    private static Method expiryPolicyPut(Class<?> type) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            for (Class<?> api : current.getInterfaces()) {
                try {
                    return api.getMethod("put", Object.class, Object.class, ExpiryPolicy.class);
                } catch (NoSuchMethodException | SecurityException e) {
                    // not this interface
                }
            }
        }
        return null;
    }

    /** @return Infinispan's native cache type, when the cache's own class loader sees it; else null */
    private static Class<?> nativeCache(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || !type.getName().startsWith("org.infinispan.")) {
            return null;
        }
        try {
            return Class.forName(INFINISPAN_NATIVE_CACHE, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Invokes {@code method}, rethrowing what the provider threw rather than the reflective wrapper. */
    private static void invoke(Method method, Object target, Object... arguments) throws Exception {
        try {
            method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable thrown = e.getCause();
            if (thrown instanceof Exception) {
                throw (Exception) thrown;
            }
            throw e;
        }
    }
}
