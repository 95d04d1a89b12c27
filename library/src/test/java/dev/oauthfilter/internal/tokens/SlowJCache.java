package dev.oauthfilter.internal.tokens;

import javax.cache.Cache;
import javax.cache.CacheManager;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory JCache {@link CacheManager} (one map per cache) whose every cache operation takes
 * {@code latencyMillis}: a store that is slow, hangs, or holds what a test put there.
 */
final class SlowJCache {
    final AtomicLong latencyMillis = new AtomicLong();
    final AtomicInteger operations = new AtomicInteger();
    final Map<String, Map<String, String>> caches = new ConcurrentHashMap<>();

    CacheManager manager() {
        return (CacheManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{CacheManager.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "getCache": return caches.containsKey((String) a[0]) ? cache((String) a[0]) : null;
                        case "createCache": caches.putIfAbsent((String) a[0], new ConcurrentHashMap<>()); return cache((String) a[0]);
                        case "toString": return "fake manager";
                        case "hashCode": return System.identityHashCode(p);
                        case "equals": return p == a[0];
                        default: throw new UnsupportedOperationException(m.toString());
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private Cache<String, String> cache(String name) {
        Map<String, String> map = caches.get(name);
        return (Cache<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Cache.class},
                (p, m, a) -> {
                    if (m.getName().equals("toString")) return "fake " + name;
                    if (m.getName().equals("hashCode")) return System.identityHashCode(p);
                    if (m.getName().equals("equals")) return p == a[0];
                    operations.incrementAndGet();
                    Thread.sleep(latencyMillis.get());
                    int n = a == null ? 0 : a.length;
                    switch (m.getName() + n) {
                        case "get1": return map.get(a[0]);
                        case "put2": map.put((String) a[0], (String) a[1]); return null;
                        case "putIfAbsent2": return map.putIfAbsent((String) a[0], (String) a[1]) == null;
                        case "replace3": return map.replace((String) a[0], (String) a[1], (String) a[2]);
                        case "remove2": return map.remove(a[0], a[1]);
                        case "remove1": return map.remove(a[0]) != null;
                        case "clear0": map.clear(); return null;
                        default: throw new UnsupportedOperationException(m.toString());
                    }
                });
    }
}
