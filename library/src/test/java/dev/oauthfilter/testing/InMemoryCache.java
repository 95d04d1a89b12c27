package dev.oauthfilter.testing;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica's view of a cache of an {@link InMemoryJCacheFleet}: the operations the library and the fleet tests use
 * (get, put, putIfAbsent, replace, remove, containsKey, clear, iteration, unwrap), each failing once the replica is
 * killed; anything else is unsupported. Entries expire by the policy in force, on {@link System#nanoTime()}.
 */
class InMemoryCache implements Cache<String, String> {

    /** What {@link Shared#timeToLive} says of an entry that never expires. */
    static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    /** What every replica shares of one cache: its settings and its entries. */
    static final class Shared {
        final Class<?> keyType;
        final Class<?> valueType;
        private final ExpiryPolicy policy;
        private final Map<String, Stored> entries = new ConcurrentHashMap<>();
        private final AtomicInteger perEntryPuts = new AtomicInteger();

        /** @param policy the cache's expiry policy, or null for entries that never expire */
        Shared(Class<?> keyType, Class<?> valueType, ExpiryPolicy policy) {
            this.keyType = keyType;
            this.valueType = valueType;
            this.policy = policy;
        }

        static Shared of(Configuration<?, ?> settings) {
            Factory<ExpiryPolicy> expiry = settings instanceof MutableConfiguration
                    ? ((MutableConfiguration<?, ?>) settings).getExpiryPolicyFactory() : null;
            return new Shared(settings.getKeyType(), settings.getValueType(), expiry == null ? null : expiry.create());
        }

        Optional<Duration> timeToLive(String key) {
            Stored stored = live(key);
            if (stored == null) {
                return Optional.empty();
            }
            return Optional.of(stored.expiresAt == Long.MAX_VALUE ? FOREVER
                    : Duration.ofNanos(stored.expiresAt - System.nanoTime()));
        }

        int perEntryPuts() {
            return perEntryPuts.get();
        }

        void clear() {
            entries.clear();
        }

        private Stored live(String key) {
            Stored stored = entries.get(key);
            if (stored != null && stored.expired()) {
                entries.remove(key, stored);
                return null;
            }
            return stored;
        }

        /** Puts {@code value}: a new entry expires by {@code expiry}'s creation, one replaced by its update. */
        private void put(String key, String value, ExpiryPolicy expiry) {
            entries.compute(key, (k, old) -> old == null || old.expired() ? Stored.created(value, expiry)
                    : old.updated(value, expiry));
        }
    }

    /** A value and when it expires ({@link System#nanoTime()}; {@link Long#MAX_VALUE}: never). */
    private static final class Stored {
        final String value;
        final long expiresAt;

        private Stored(String value, long expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }

        static Stored created(String value, ExpiryPolicy expiry) {
            return new Stored(value, expiry == null ? Long.MAX_VALUE
                    : at(expiry.getExpiryForCreation(), Long.MAX_VALUE));
        }

        /** JCache: an update whose policy gives no duration keeps the entry's expiry. */
        Stored updated(String value, ExpiryPolicy expiry) {
            return new Stored(value, expiry == null ? expiresAt : at(expiry.getExpiryForUpdate(), expiresAt));
        }

        boolean expired() {
            return expiresAt != Long.MAX_VALUE && System.nanoTime() - expiresAt >= 0;
        }

        private static long at(javax.cache.expiry.Duration duration, long unchanged) {
            if (duration == null) {
                return unchanged;
            }
            if (duration.isEternal()) {
                return Long.MAX_VALUE;
            }
            return System.nanoTime() + duration.getTimeUnit().toNanos(duration.getDurationAmount());
        }
    }

    private final String name;
    final Shared shared;
    private final InMemoryCacheManager manager;

    InMemoryCache(String name, Shared shared, InMemoryCacheManager manager) {
        this.name = name;
        this.shared = shared;
        this.manager = manager;
    }

    /** The view of a fleet whose caches take a put with a policy of its own ({@link InMemoryJCacheFleet.Expiry}). */
    static final class PerEntry extends InMemoryCache implements InMemoryJCacheFleet.PerEntryExpiry {
        PerEntry(String name, Shared shared, InMemoryCacheManager manager) {
            super(name, shared, manager);
        }

        @Override
        public void put(Object key, Object value, ExpiryPolicy policy) {
            enter("putWithExpiry", key);
            shared.perEntryPuts.incrementAndGet();
            shared.put((String) key, (String) value, policy);
        }
    }

    final void enter(String operation, Object key) {
        manager.enter(name, operation, key);
    }

    @Override
    public String get(String key) {
        enter("get", key);
        Stored stored = shared.live(key);
        return stored == null ? null : stored.value;
    }

    @Override
    public boolean containsKey(String key) {
        enter("containsKey", key);
        return shared.live(key) != null;
    }

    @Override
    public void put(String key, String value) {
        enter("put", key);
        shared.put(key, value, shared.policy);
    }

    @Override
    public boolean putIfAbsent(String key, String value) {
        enter("putIfAbsent", key);
        boolean[] put = {false};
        shared.entries.compute(key, (k, old) -> {
            if (old == null || old.expired()) {
                put[0] = true;
                return Stored.created(value, shared.policy);
            }
            return old;
        });
        return put[0];
    }

    @Override
    public boolean remove(String key) {
        enter("remove", key);
        return shared.entries.remove(key) != null;
    }

    @Override
    public boolean remove(String key, String oldValue) {
        enter("remove", key);
        Stored stored = shared.live(key);
        return stored != null && stored.value.equals(oldValue) && shared.entries.remove(key, stored);
    }

    @Override
    public boolean replace(String key, String oldValue, String newValue) {
        enter("replace", key);
        Stored stored = shared.live(key);
        return stored != null && stored.value.equals(oldValue)
                && shared.entries.replace(key, stored, stored.updated(newValue, shared.policy));
    }

    @Override
    public boolean replace(String key, String value) {
        enter("replace", key);
        Stored stored = shared.live(key);
        return stored != null && shared.entries.replace(key, stored, stored.updated(value, shared.policy));
    }

    @Override
    public void clear() {
        enter("clear", null);
        shared.clear();
    }

    @Override
    public void removeAll() {
        clear();
    }

    @Override
    public Iterator<Entry<String, String>> iterator() {
        enter("iterator", null);
        List<Entry<String, String>> live = new ArrayList<>();
        for (String key : shared.entries.keySet()) {
            Stored stored = shared.live(key);
            if (stored != null) {
                live.add(new SimpleEntry(key, stored.value));
            }
        }
        return live.iterator();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("not a " + type.getName());
    }

    @Override
    public void close() {
        // the fleet's caches live as long as the fleet
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public String toString() {
        return "in-memory " + name + " of " + manager;
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("not used by the library");
    }

    @Override
    public Map<String, String> getAll(Set<? extends String> keys) {
        throw unsupported();
    }

    @Override
    public void loadAll(Set<? extends String> keys, boolean replaceExistingValues, CompletionListener listener) {
        throw unsupported();
    }

    @Override
    public String getAndPut(String key, String value) {
        throw unsupported();
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> map) {
        throw unsupported();
    }

    @Override
    public String getAndRemove(String key) {
        throw unsupported();
    }

    @Override
    public String getAndReplace(String key, String value) {
        throw unsupported();
    }

    @Override
    public void removeAll(Set<? extends String> keys) {
        throw unsupported();
    }

    @Override
    public <C extends Configuration<String, String>> C getConfiguration(Class<C> type) {
        throw unsupported();
    }

    @Override
    public <T> T invoke(String key, EntryProcessor<String, String, T> processor, Object... arguments) {
        throw unsupported();
    }

    @Override
    public <T> Map<String, EntryProcessorResult<T>> invokeAll(Set<? extends String> keys,
            EntryProcessor<String, String, T> processor, Object... arguments) {
        throw unsupported();
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<String, String> configuration) {
        throw unsupported();
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<String, String> configuration) {
        throw unsupported();
    }

    /** An entry as iteration hands it out. */
    private static final class SimpleEntry implements Entry<String, String> {
        private final String key;
        private final String value;

        SimpleEntry(String key, String value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw unsupported();
        }
    }
}
