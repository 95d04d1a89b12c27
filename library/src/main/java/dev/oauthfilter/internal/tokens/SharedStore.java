package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenException;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ModifiedExpiryPolicy;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The shared store of sealed tokens and leases, on two JCache caches of the application's {@link CacheManager}
 * (created with these settings when the manager does not define them; where its configuration does, taken as they
 * are, with or without key and value types): {@value #TOKENS} (entry name → sealed token) and {@value #LEASES}
 * (entry name → who fetches a new token, until when). Values are plain strings, so that every member of any JCache
 * provider can read them without the library's classes.
 *
 * <p>Every operation is bounded by its own timeout, on threads of the store's own (released by {@link #close()}):
 * a store that fails, hangs or is cut off throws {@link Unavailable} within that time, and the caller goes on
 * without it.
 */
final class SharedStore implements AutoCloseable {

    static final String TOKENS = "oauth-filter-tokens";
    static final String LEASES = "oauth-filter-leases";
    // an entry outlives its token by at most this long where the provider cannot expire entries one by one
    private static final Duration TOKEN_ENTRY_LIFETIME = new Duration(TimeUnit.HOURS, 24);

    private final CacheManager manager;
    private final java.time.Duration timeout;
    private final java.time.Duration leaseTime;
    private final AtomicInteger threads = new AtomicInteger();
    private ExecutorService calls;
    private volatile Cache<String, String> tokens;
    private volatile Cache<String, String> leases;

    /** Thrown when the store fails or does not answer in time. */
    static final class Unavailable extends RuntimeException {
        private final boolean storeFault;

        Unavailable(String message, Throwable cause, boolean storeFault) {
            super(message, cause, false, false);
            this.storeFault = storeFault;
        }

        /** @return false when only the caller's own time ran out, before the store's timeout */
        boolean storeFault() {
            return storeFault;
        }
    }

    /**
     * @param manager   where the caches live
     * @param timeout   the longest one operation may take
     * @param leaseTime how long a lease holds: a member that died while fetching is replaced after this
     */
    SharedStore(CacheManager manager, java.time.Duration timeout, java.time.Duration leaseTime) {
        this.manager = manager;
        this.timeout = timeout;
        this.leaseTime = leaseTime;
    }

    /**
     * @param deadline the caller's deadline ({@link System#nanoTime()}): the call waits until it or the store's
     *                 timeout, whichever comes first
     * @return the sealed token under {@code name}, if any
     */
    Optional<String> token(String name, long deadline) {
        return Optional.ofNullable(call(() -> tokens().get(name), deadline));
    }

    /**
     * Puts a sealed token, replacing what was there, then gives the lease back; in the background, so that the
     * caller has its token at once. Where the provider can expire one entry ({@link ExpiringPut}: Hazelcast,
     * Infinispan), the entry expires with its token; elsewhere after a day at the latest (or what the cache's own
     * configuration says), and readers ignore an expired token anyway.
     */
    void publish(String name, String sealed, java.time.Duration lifetime, String lease,
                 Consumer<Unavailable> onFailure) {
        later(() -> {
            ExpiringPut.put(tokens(), name, sealed, lifetime);
            leases().remove(name, lease);
        }, onFailure);
    }

    /** Removes the sealed token under {@code name} if {@code refused} says it is the refused one; in the background. */
    void removeIf(String name, Predicate<String> refused, Consumer<Unavailable> onFailure) {
        later(() -> {
            String sealed = tokens().get(name);
            if (sealed != null && refused.test(sealed)) {
                tokens().remove(name, sealed);
            }
        }, onFailure);
    }

    /**
     * The outcome of asking for a lease: taken (to give back), held by another member of the fleet (until when), or
     * a cooldown: another member's fetch failed at the token endpoint, and the fleet shares that failure until then.
     * Only markers signed with the source's seal count: anything else in the store is taken over.
     */
    static final class Lease {
        final String value;
        final boolean taken;
        private final long until;
        private final String cooldown;

        private Lease(String value, boolean taken, long until, String cooldown) {
            this.value = value;
            this.taken = taken;
            this.until = until;
            this.cooldown = cooldown;
        }

        /**
         * @return when the lease runs out, in epoch milliseconds by the holder's clock, capped at the marker's own
         *         lifetime in the store; {@link Long#MIN_VALUE} when the store changed under the call (ask again)
         */
        long until() {
            return until;
        }

        /** @return the failure another member's fetch ended with ({@code CODE:0|1}), while the fleet cools down */
        Optional<String> cooldownCode() {
            return Optional.ofNullable(cooldown);
        }
    }

    private static final String HELD = "lease:";
    private static final String COOLDOWN = "cooldown:";

    /**
     * Takes the lease on the seal's entry: there is none, the one there ran out (its holder died or is too slow, or a
     * cooldown ended), or what is there was not signed with the seal (written by whoever can write the store without
     * the credential: never trusted, only replaced).
     *
     * @param nowMillis the time, by the caller's clock (members' clocks are assumed to agree within a lease time)
     * @return the lease taken, to give back to {@link #release}, or the one another member holds
     */
    Lease lease(TokenSeal seal, long nowMillis, long deadline) {
        String name = seal.entryName();
        return call(() -> {
            long until = nowMillis + leaseTime.toMillis();
            String lease = seal.sign(HELD + UUID.randomUUID() + "@" + nowMillis + "@" + until);
            Cache<String, String> cache = leases();
            for (int attempt = 0; attempt < 2; attempt++) {
                if (cache.putIfAbsent(name, lease)) {
                    return new Lease(lease, true, until, null);
                }
                String held = cache.get(name);
                if (held == null) {
                    continue;
                }
                Lease other = held(seal, held, nowMillis);
                if (other != null) {
                    return other;
                }
                if (cache.replace(name, held, lease)) {
                    return new Lease(lease, true, until, null);
                }
            }
            // another member changed the entry between the reads: poll again
            return new Lease(null, false, Long.MIN_VALUE, null);
        }, deadline);
    }

    /**
     * @return the lease or cooldown another member holds, or null when {@code held} is not one: not signed with the
     *         seal, written longer ago than the store keeps a marker (a copy put back), run out, or a failure the
     *         fleet does not share
     */
    private Lease held(TokenSeal seal, String held, long nowMillis) {
        // KIND payload @ written @ until, every part signed
        String marker = seal.verify(held).orElse(null);
        int untilAt = marker == null ? -1 : marker.lastIndexOf('@');
        int writtenAt = untilAt <= 0 ? -1 : marker.lastIndexOf('@', untilAt - 1);
        if (writtenAt < 0) {
            return null;
        }
        long written;
        long until;
        try {
            written = Long.parseLong(marker.substring(writtenAt + 1, untilAt));
            until = Long.parseLong(marker.substring(untilAt + 1));
        } catch (NumberFormatException unreadable) {
            return null;
        }
        // no marker holds the fleet longer than the store keeps it, whatever its holder's clock says: a copy put back
        // after the store dropped it has run out
        until = Math.min(until, Math.min(written, nowMillis) + markerLifetimeMillis());
        if (until < nowMillis) {
            return null;
        }
        if (marker.startsWith(HELD)) {
            return new Lease(held, false, until, null);
        }
        String failure = marker.startsWith(COOLDOWN) ? marker.substring(COOLDOWN.length(), writtenAt) : "";
        return FleetFailures.isShared(failure) ? new Lease(held, false, until, failure) : null;
    }

    /** @return how long the leases cache keeps a marker: twice the lease time */
    long markerLifetimeMillis() {
        return 2 * leaseTime.toMillis();
    }

    /**
     * Turns a lease whose fetch failed into a cooldown: until {@code untilMillis} the other members get that
     * failure instead of fetching (at most for as long as the leases cache keeps an entry, twice the lease time).
     *
     * @param failure    {@code CODE:0|1}, a failure {@link FleetFailures#isShared shared} with the fleet
     * @param nowMillis  when the cooldown starts: readers refuse the marker once the store would have dropped it
     */
    void coolDown(TokenSeal seal, String lease, String failure, long nowMillis, long untilMillis,
                  Consumer<Unavailable> onFailure) {
        String marker = seal.sign(COOLDOWN + failure + "@" + nowMillis + "@" + untilMillis);
        later(() -> leases().replace(seal.entryName(), lease, marker), onFailure);
    }

    /** Gives a lease back, if it is still the one there; in the background. */
    void release(String name, String lease, Consumer<Unavailable> onFailure) {
        later(() -> leases().remove(name, lease), onFailure);
    }

    private Cache<String, String> tokens() {
        Cache<String, String> cache = tokens;
        if (cache == null) {
            cache = cache(TOKENS, TOKEN_ENTRY_LIFETIME);
            tokens = cache;
        }
        return cache;
    }

    private Cache<String, String> leases() {
        Cache<String, String> cache = leases;
        if (cache == null) {
            cache = cache(LEASES, new Duration(TimeUnit.MILLISECONDS, markerLifetimeMillis()));
            leases = cache;
        }
        return cache;
    }

    private Cache<String, String> cache(String name, Duration lifetime) {
        Cache<String, String> cache = existing(name);
        if (cache != null) {
            return cache;
        }
        MutableConfiguration<String, String> settings = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStoreByValue(true)
                .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(lifetime));
        try {
            return manager.createCache(name, settings);
        } catch (CacheException createdMeanwhile) {
            // another member or thread created it first
            Cache<String, String> existing = existing(name);
            if (existing == null) {
                throw createdMeanwhile;
            }
            return existing;
        }
    }

    /** @return the cache {@code name} of the manager, or null when there is none yet */
    private Cache<String, String> existing(String name) {
        try {
            return manager.getCache(name, String.class, String.class);
        } catch (ClassCastException | IllegalArgumentException definedWithoutTypes) {
            // a cache that the provider's own configuration defines, without key and value types (Infinispan's
            // <replicated-cache>, which is how its caches are shared at all): JCache refuses the typed look-up of a
            // cache of Object; what the library puts and reads in it are strings all the same
            return manager.getCache(name);
        }
    }

    private synchronized ExecutorService calls() {
        if (calls == null) {
            calls = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "oauth-filter-shared-" + threads.incrementAndGet());
                thread.setDaemon(true);
                // no application class loader kept alive by a pooled thread
                thread.setContextClassLoader(null);
                return thread;
            });
        }
        return calls;
    }

    private <T> T call(Callable<T> operation, long deadline) {
        Future<T> result;
        try {
            result = calls().submit(operation);
        } catch (RuntimeException closing) {
            throw new Unavailable("the shared token store is closing", closing, false);
        }
        // the first calls also find or create the caches across the cluster: they get longer
        long storeWait = tokens != null && leases != null ? timeout.toNanos()
                : Math.max(10 * timeout.toNanos(), TimeUnit.SECONDS.toNanos(5));
        long callerWait = deadline - System.nanoTime();
        try {
            return result.get(Math.max(0, Math.min(storeWait, callerWait)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            boolean storeFault = storeWait <= callerWait;
            throw new Unavailable(storeFault ? "the shared token store did not answer within "
                    + TimeUnit.NANOSECONDS.toMillis(storeWait) + " ms" : "no time left to wait for the shared token store",
                    e, storeFault);
        } catch (ExecutionException e) {
            throw new Unavailable("the shared token store failed (" + e.getCause().getClass().getName() + ")",
                    e.getCause(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            throw TokenException.builder(ErrorCode.INTERRUPTED)
                    .message("interrupted while waiting for the shared token store").build();
        }
    }

    /** One write to the caches. */
    @FunctionalInterface
    private interface Write {
        void run() throws Exception;
    }

    /** Runs a write in the background; a failure is reported to {@code onFailure}, never to a caller. */
    private void later(Write operation, Consumer<Unavailable> onFailure) {
        try {
            calls().execute(() -> {
                try {
                    operation.run();
                } catch (Exception e) {
                    onFailure.accept(new Unavailable("the shared token store failed (" + e.getClass().getName()
                            + ")", e, true));
                }
            });
        } catch (RuntimeException closing) {
            onFailure.accept(new Unavailable("the shared token store is closing", closing, false));
        }
    }

    /** Ends the store's threads (made anew if asked again); the caches and the manager stay the application's. */
    @Override
    public synchronized void close() {
        if (calls != null) {
            calls.shutdownNow();
            calls = null;
        }
    }
}
