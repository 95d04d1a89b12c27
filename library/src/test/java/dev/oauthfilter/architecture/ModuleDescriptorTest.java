package dev.oauthfilter.architecture;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library as a module on the module path: it exports its API and the OpenTelemetry binding's package (for
 * applications without CDI) alone, and works from there (its API finds the implementation through the module's own
 * {@code provides}) without the optional APIs. The other tests run on the class path, as application servers load the
 * library.
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target", "classes");

    @Test
    void theModuleExportsTheApiAndTheTelemetryBindingAloneAndProvidesItsImplementation() {
        ModuleDescriptor module = ModuleFinder.of(CLASSES).find("dev.oauthfilter").orElseThrow().descriptor();

        assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.oauthfilter", "dev.oauthfilter.telemetry");
        assertThat(module.exports()).allMatch(exports -> !exports.isQualified());
        // optional at run time: the module resolves without OpenTelemetry (the test below has none on its path)
        assertThat(module.requires()).filteredOn(requires -> requires.name().startsWith("io.opentelemetry"))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("io.opentelemetry.api", "io.opentelemetry.context");
        assertThat(module.requires()).filteredOn(requires -> requires.name().startsWith("io.opentelemetry"))
                .allMatch(requires -> requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertThat(module.packages()).contains("dev.oauthfilter.internal.tokens", "dev.oauthfilter.internal.clients");
        assertThat(module.provides()).anySatisfy(provides -> {
            assertThat(provides.service()).isEqualTo("dev.oauthfilter.OAuthFilterDelegate");
            assertThat(provides.providers()).containsExactly("dev.oauthfilter.internal.LibraryDelegate");
        });
    }

    @Test
    void onTheModulePathTheApiFindsItsImplementationAndHidesIt() throws Exception {
        // the module and what it requires (JAX-RS, Jackson, nimbus-jose-jwt), in a layer of their own; and JCache,
        // which the builder's sharedVia(CacheManager) names (this test reflects on the builder's methods)
        Path[] path = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.contains("jakarta.ws.rs-api") || entry.contains("jackson-")
                        || entry.contains("nimbus-jose-jwt") || entry.contains("cache-api"))
                .map(Path::of).toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.compose(ModuleFinder.of(CLASSES), ModuleFinder.of(path));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("dev.oauthfilter", "cache.api"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration,
                ClassLoader.getPlatformClassLoader());
        Module library = layer.findModule("dev.oauthfilter").orElseThrow();
        ClassLoader loader = layer.findLoader("dev.oauthfilter");

        Class<?> tokenCache = Class.forName("dev.oauthfilter.TokenCache", true, loader);
        Object builder = tokenCache.getMethod("builder").invoke(null);
        builder.getClass().getMethod("clock", Clock.class).invoke(builder, Clock.systemUTC());
        Object cache = builder.getClass().getMethod("build").invoke(builder);

        assertThat(cache.getClass().getModule()).isSameAs(library);
        assertThat(cache.getClass().getPackageName()).startsWith("dev.oauthfilter.internal");
        assertThat(library.isExported("dev.oauthfilter")).isTrue();
        // at run time an open package counts as exported too: the bindings are open (CDI reflects on them)
        assertThat(library.getPackages().stream().filter(library::isExported).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("dev.oauthfilter", "dev.oauthfilter.cdi", "dev.oauthfilter.health",
                        "dev.oauthfilter.metrics", "dev.oauthfilter.telemetry");
        tokenCache.getMethod("close").invoke(cache);
    }
}
