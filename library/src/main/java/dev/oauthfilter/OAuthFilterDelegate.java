package dev.oauthfilter;

import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseFilter;

import javax.cache.CacheManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Executor;

/**
 * The one edge from this package (the API) into the library's implementation, as JAX-RS' {@code RuntimeDelegate} is
 * for JAX-RS: {@link TokenCache}, {@link TokenProvider#of(OAuthClientConfig)} and {@link OAuthClientFilter} ask it
 * for what they do. The library provides the one implementation ({@code META-INF/services} and
 * {@code module-info}), found once per class loader; the API therefore names no implementation class and depends on
 * no other package of the library. Applications neither call nor extend it.
 */
public abstract class OAuthFilterDelegate {

    /** For the library's implementation only. */
    protected OAuthFilterDelegate() {
    }

    /** @return the library's implementation, found with {@link ServiceLoader} in this class's class loader */
    static OAuthFilterDelegate instance() {
        return Found.INSTANCE;
    }

    /**
     * @return the cache of the application's default owner: one per class loader, closed with the application by the
     *         library's CDI extension
     */
    protected abstract TokenCache defaultCache();

    /**
     * @param clock        decides when tokens are stale or expired
     * @param executor     runs token requests, or null for the default (the container's managed executor, else
     *                     daemon threads of the cache's own)
     * @param capacity     how many token sources the cache keeps
     * @param sharedVia    the fleet's JCache cache manager, or null for a cache of this JVM only
     * @param storeTimeout the longest one operation on the shared caches may take
     * @param leaseTime    how long one member may fetch for the fleet
     * @return a new cache of the caller's own
     */
    protected abstract TokenCache newCache(Clock clock, Executor executor, int capacity, CacheManager sharedVia,
                                           Duration storeTimeout, Duration leaseTime);

    /**
     * @param tokens the provider whose tokens every request gets, or null to find the client of each request by name
     *               among the clients that MicroProfile Config describes
     * @return what {@link OAuthClientFilter} does per request and after each response
     */
    protected abstract Filter newFilter(TokenProvider tokens);

    /**
     * @param config a MicroProfile Config
     * @param name   a client name
     * @return the client that {@code config} describes under that name
     */
    protected abstract OAuthClientConfig readConfig(org.eclipse.microprofile.config.Config config, String name);

    /** What {@link OAuthClientFilter} hands each request and each response to. */
    public interface Filter extends ClientRequestFilter, ClientResponseFilter {
    }

    private static final class Found {
        static final OAuthFilterDelegate INSTANCE = load();

        private static OAuthFilterDelegate load() {
            try {
                return ServiceLoader.load(OAuthFilterDelegate.class, OAuthFilterDelegate.class.getClassLoader())
                        .findFirst().orElseThrow(() -> new IllegalStateException("no " + OAuthFilterDelegate.class
                                .getName() + " in META-INF/services: the oauth-filter jar was repackaged without"
                                + " its service files"));
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("cannot load oauth-filter's implementation", e);
            }
        }
    }
}
