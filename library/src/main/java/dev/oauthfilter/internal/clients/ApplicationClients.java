package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;

import javax.cache.CacheManager;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One application's clients and everything they share: the default token cache (behind
 * {@code TokenProvider.of(config)}), the clients that MicroProfile Config describes (by name, each built on first
 * use), a fleet-wide cache when the configuration asks for one, the executor refreshes run on, and the listeners of
 * token events. The filter, the CDI producer, the readiness check and the metrics all ask this one object; nothing
 * else keeps a client.
 *
 * <p>There is one per class loader ({@link #byDefault()}, the library's only static state), so one per application
 * on an application server where the library sits in the application; the library's CDI extension closes it when
 * the application stops, and it is made anew if the application goes on.
 *
 * <pre>{@code
 * ConfiguredClient billing = ApplicationClients.byDefault().client("billing");
 * }</pre>
 */
public final class ApplicationClients implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApplicationClients.class.getName());

    private static final class Default {
        static final ApplicationClients INSTANCE = new ApplicationClients(Clock.systemUTC(), new ManagedExecutor(), null);
    }

    private final Clock clock;
    // the container's managed executor (refresh tasks then run with the application's context and stop with it), or
    // null: a cache then runs daemon threads of its own
    private final Supplier<Executor> managed;
    private final BoundedTokenCache cache;
    // the MicroProfile Config the clients come from; null: the application's, ConfigProvider.getConfig()
    private final org.eclipse.microprofile.config.Config fixedConfig;
    private final Object lock = new Object();
    // every listener of the application's caches: the fleet-wide cache of a registry made later hears them all
    private TokenListeners events = TokenListeners.NONE;
    // the registry of the MicroProfile Config it was made for; replaced when the application's Config changes
    private ClientRegistry registry;
    private Object registryConfig;

    private ApplicationClients(Clock clock, Supplier<Executor> managed,
                               org.eclipse.microprofile.config.Config fixedConfig) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.managed = managed;
        this.fixedConfig = fixedConfig;
        this.cache = new BoundedTokenCache(clock, null, managed, this, 100, null, null, null);
    }

    /** @return the owner of this class loader's application: the one that the API's defaults use */
    public static ApplicationClients byDefault() {
        return Default.INSTANCE;
    }

    /**
     * The clients of one given MicroProfile Config, with a default cache of their own: an owner apart from the
     * application's (tests, or a tool that reads several configurations). Close it when done.
     *
     * @param config the MicroProfile Config that describes the clients
     * @return a new owner
     */
    public static ApplicationClients of(org.eclipse.microprofile.config.Config config) {
        return new ApplicationClients(Clock.systemUTC(), () -> null, Objects.requireNonNull(config, "config"));
    }

    /**
     * @return the default cache: system clock, capacity 100, raised to the largest {@code oauth[.<name>].cache-size}
     *         of the clients MicroProfile Config describes
     */
    public BoundedTokenCache cache() {
        return cache;
    }

    /**
     * A cache of the caller's own ({@code TokenCache.builder()}), with the container's managed executor when the
     * caller gave none.
     *
     * @param clock        decides when tokens are stale or expired
     * @param executor     runs token requests, or null for the container's managed executor, else daemon threads
     * @param capacity     how many token sources the cache keeps
     * @param sharedVia    the fleet's JCache cache manager, or null
     * @param storeTimeout the longest one operation on the shared caches may take
     * @param leaseTime    how long one member may fetch for the fleet
     * @return the new cache
     */
    public BoundedTokenCache newCache(Clock clock, Executor executor, int capacity, CacheManager sharedVia,
                                      Duration storeTimeout, Duration leaseTime) {
        return new BoundedTokenCache(clock, executor, managed, null, capacity, sharedVia, storeTimeout,
                leaseTime);
    }

    /**
     * @param name a client name ({@code default}, or the {@code <name>} of {@code oauth.<name>.*} keys)
     * @return the client MicroProfile Config describes, built on first use
     * @throws TokenException when it is not configured, its settings are bad, or there is no MicroProfile Config
     */
    public ConfiguredClient client(String name) {
        try {
            return registry().client(name);
        } catch (NoClassDefFoundError missing) {
            if (!String.valueOf(missing.getMessage()).startsWith("org/eclipse/microprofile/config")) {
                throw missing;
            }
            throw TokenException.builder(ErrorCode.INVALID_SETTING).clientName(name)
                    .message("OAuthClientFilter() finds its settings through MicroProfile Config, which is not there;"
                            + " register new OAuthClientFilter(TokenProvider.of(config)) instead")
                    .build();
        }
    }

    /** @return the names of the clients MicroProfile Config describes (the default one when its keys are set) */
    public Set<String> names() {
        return registry().names();
    }

    /**
     * The registry of the application's MicroProfile Config ({@code ConfigProvider.getConfig()} of the calling
     * thread's context class loader); made anew when that Config is another one (the one before is closed).
     */
    ClientRegistry registry() {
        org.eclipse.microprofile.config.Config config = fixedConfig != null ? fixedConfig
                : org.eclipse.microprofile.config.ConfigProvider.getConfig();
        ClientRegistry replaced = null;
        ClientRegistry current;
        synchronized (lock) {
            if (registry == null || registryConfig != config) {
                replaced = registry;
                registry = new ClientRegistry(config, cache, clock);
                registryConfig = config;
                if (!events.isEmpty()) {
                    registry.events(events);
                }
            }
            current = registry;
        }
        if (replaced != null) {
            replaced.close();
        }
        return current;
    }

    /**
     * Reports the token events of every cache of the application (the default one and a fleet-wide one) to
     * {@code listener} too, beside the listeners there are: how the MicroProfile Metrics and the OpenTelemetry
     * bindings get their figures, side by side. Listeners are dropped when the application's clients close.
     *
     * @param listener the listener, told at once of the token sources there are ({@link TokenEvents#NONE}: none)
     */
    public void events(TokenEvents listener) {
        Objects.requireNonNull(listener, "listener");
        if (listener == TokenEvents.NONE) {
            return;
        }
        TokenEvents safe = new SafeTokenEvents(listener);
        ClientRegistry current;
        synchronized (lock) {
            events = events.with(safe);
            current = registry;
        }
        cache.listen(safe);
        if (current != null) {
            current.events(safe);
        }
    }

    /**
     * The application stops: the registry's fleet-wide cache (and what its JCache provider started) and the default
     * cache's threads and HTTP clients are released, the listeners are told and dropped. Both are made anew if asked
     * again.
     */
    @Override
    public void close() {
        ClientRegistry closed;
        synchronized (lock) {
            closed = registry;
            registry = null;
            registryConfig = null;
            events = TokenListeners.NONE;
        }
        try {
            if (closed != null) {
                closed.close();
            }
        } finally {
            cache.close();
        }
    }

    /**
     * In a Jakarta EE container with Concurrency enabled, its default {@code ManagedExecutorService}: refresh tasks
     * then run with the application's context and stop with it. Looked up when the first refresh needs an executor
     * (on a thread of the application, which has its naming context: not when the owner is made, which may be in a
     * CDI observer or on a health-check thread without it), then kept, found or not.
     */
    private static final class ManagedExecutor implements Supplier<Executor> {
        private volatile Optional<Executor> found;

        @Override
        public Executor get() {
            Optional<Executor> known = found;
            if (known == null) {
                synchronized (this) {
                    known = found;
                    if (known == null) {
                        known = lookUp();
                        found = known;
                    }
                }
            }
            return known.orElse(null);
        }

        private static Optional<Executor> lookUp() {
            try {
                Object managed = new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
                if (managed instanceof Executor) {
                    LOG.fine("refreshing tokens on the container's DefaultManagedExecutorService");
                    return Optional.of((Executor) managed);
                }
            } catch (NamingException | RuntimeException | LinkageError notInAContainer) {
                // usual without Jakarta Concurrency (Liberty: no concurrent-3.0 feature), nothing to fix
                LOG.log(Level.FINEST, "no managed executor at java:comp/DefaultManagedExecutorService ({0}): tokens"
                        + " are refreshed on the library's own daemon threads", notInAContainer.getClass().getName());
            }
            return Optional.empty();
        }
    }
}
