package dev.oauthfilter.testing;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;

/** Real SmallRye Config instances made of given properties, environment variables and extra sources. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** Properties at the ordinal of {@code microprofile-config.properties} (100), env at 300. */
    public static SmallRyeConfig of(Map<String, String> properties, Map<String, String> env, ConfigSource... more) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "microprofile-config.properties", 100))
                .withSources(new EnvConfigSource(env, 300))
                .withSources(more)
                .build();
    }

    public static SmallRyeConfig of(Map<String, String> properties) {
        return of(properties, Map.of());
    }

    /** Makes {@code config} what {@code ConfigProvider.getConfig()} returns on this thread until released. */
    public static AutoCloseable install(SmallRyeConfig config) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.registerConfig(config, loader);
        return () -> resolver.releaseConfig(config);
    }
}
