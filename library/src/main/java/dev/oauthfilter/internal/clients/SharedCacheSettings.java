package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import org.eclipse.microprofile.config.Config;

import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Fleet-wide tokens from configuration alone: when {@code oauth.shared-cache.provider} names a JCache caching
 * provider, the registry's clients take their tokens from a {@link TokenCache} shared through that provider's cache
 * manager ({@link TokenCache.Builder#sharedVia}). Only this class touches the JCache API, and only when the key is set.
 *
 * <ul>
 *   <li>{@code oauth.shared-cache.provider}: the provider class, e.g. {@code com.hazelcast.cache.HazelcastMemberCachingProvider}
 *       (an embedded member) or {@code com.hazelcast.client.cache.HazelcastClientCachingProvider} (a client of a
 *       Hazelcast cluster);</li>
 *   <li>{@code oauth.shared-cache.uri}: the cache manager's URI (for Hazelcast, a configuration file such as
 *       {@code classpath:hazelcast-client.xml}); default the provider's. Every member must use the same: Hazelcast
 *       makes it part of the caches' names;</li>
 *   <li>{@code oauth.shared-cache.property.<name>}: a property for the provider, e.g.
 *       {@code oauth.shared-cache.property.hazelcast.instance.name};</li>
 *   <li>{@code oauth.shared-cache.timeout} (default 500 ms) and {@code oauth.shared-cache.lease-time} (default 5 s),
 *       durations as every other key reads them: {@code 500ms}, {@code 5s}, {@code 1m}, a bare number of seconds,
 *       or ISO-8601.</li>
 * </ul>
 */
final class SharedCacheSettings {

    static final String PREFIX = "oauth.shared-cache.";
    private static final Logger LOG = Logger.getLogger(SharedCacheSettings.class.getName());
    private static final String PROPERTY = PREFIX + "property.";
    private static final String HAZELCAST_LOCATION = "hazelcast.config.location";

    private SharedCacheSettings() {
    }

    /** A fleet-wide cache and what it was made with, both the registry's to close. */
    static final class Fleet implements AutoCloseable {
        final BoundedTokenCache cache;
        private final CachingProvider provider;

        private Fleet(BoundedTokenCache cache, CachingProvider provider) {
            this.cache = cache;
            this.provider = provider;
        }

        /**
         * Closes the cache, then the caching provider (of the application's class loader): with it the cache
         * managers it made and what they started (for Hazelcast, a member started from the configuration; a member
         * the application started itself, named by a property, stays).
         */
        @Override
        public void close() {
            try {
                cache.close();
            } finally {
                provider.close();
            }
        }
    }

    /**
     * Hazelcast (5.x, member and client) shuts down an instance it started from a configuration file when its cache
     * manager closes only if the file was named by the property {@code hazelcast.config.location}, not by the manager's
     * URI: given the URI alone, the instance, its threads and the stopped application they keep outlive the
     * application. So the URI is also given as that property (the same file, the same instance name, the same URI for
     * the caches' names), unless a property already names the instance to use (one the application started stays).
     */
    private static void endsWithTheManager(String provider, URI uri, Properties properties) {
        boolean configurationFile = uri.getScheme() != null
                && Set.of("classpath", "file", "http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT));
        boolean instanceNamed = properties.containsKey(HAZELCAST_LOCATION)
                || properties.containsKey("hazelcast.instance.name")
                || properties.containsKey("hazelcast.instance.itself");
        if (provider.startsWith("com.hazelcast.") && configurationFile && !instanceNamed) {
            properties.setProperty(HAZELCAST_LOCATION, uri.toString());
        }
    }

    /** @return a cache shared through the configured provider, or empty when {@code oauth.shared-cache.provider} is not set */
    static Optional<Fleet> cache(Config config) {
        Optional<String> providerName = config.getOptionalValue(PREFIX + "provider", String.class)
                .map(String::strip).filter(s -> !s.isEmpty());
        if (providerName.isEmpty()) {
            return Optional.empty();
        }
        try {
            CachingProvider provider = Caching.getCachingProvider(providerName.get());
            URI uri = config.getOptionalValue(PREFIX + "uri", String.class).map(String::strip)
                    .filter(s -> !s.isEmpty()).map(URI::create).orElse(provider.getDefaultURI());
            Properties properties = new Properties();
            for (String key : config.getPropertyNames()) {
                if (key.startsWith(PROPERTY) && key.length() > PROPERTY.length()) {
                    config.getOptionalValue(key, String.class)
                            .ifPresent(value -> properties.setProperty(key.substring(PROPERTY.length()), value));
                }
            }
            endsWithTheManager(providerName.get(), uri, properties);
            // the provider's own class loader: Hazelcast puts any other one into the caches' cluster-wide names
            CacheManager manager = provider.getCacheManager(uri, provider.getDefaultClassLoader(), properties);
            // the builder checks the durations; the application's owner makes the cache (its executor, its listener)
            TokenCache.Builder builder = TokenCache.builder().sharedVia(manager);
            duration(config, "timeout").ifPresent(builder::sharedStoreTimeout);
            duration(config, "lease-time").ifPresent(builder::sharedLeaseTime);
            return Optional.of(new Fleet((BoundedTokenCache) builder.build(), provider));
        } catch (CacheException | IllegalArgumentException e) {
            throw TokenException.builder(ErrorCode.INVALID_SETTING)
                    .message(PREFIX + "provider: cannot get a cache manager from '" + providerName.get() + "' ("
                            + e.getClass().getSimpleName() + ")")
                    .cause(e).build();
        }
    }

    /**
     * A duration as every key reads it. These two keys once read a bare number as milliseconds: a bare number of 100
     * or more, which as seconds is far beyond what either should be, is read as seconds all the same, with a WARNING
     * that says how to write milliseconds.
     */
    private static Optional<Duration> duration(Config config, String setting) {
        String key = PREFIX + setting;
        Optional<Duration> duration = MicroProfileClientConfigs.duration(config, "shared-cache." + setting);
        config.getOptionalValue(key, String.class).map(String::strip).filter(value -> value.matches("\\d{3,}"))
                .ifPresent(value -> LOG.warning(() -> key + " = " + value + " is read as " + value + " seconds (a bare"
                        + " number is seconds, as for every duration key); for milliseconds write " + value + "ms"));
        return duration;
    }
}
