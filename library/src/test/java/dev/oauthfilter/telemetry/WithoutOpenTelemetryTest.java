package dev.oauthfilter.telemetry;

import dev.oauthfilter.cdi.OAuthFilterExtension;
import dev.oauthfilter.testing.FreshLibrary;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenTelemetry API is optional: where an application cannot see it (no {@code mpTelemetry-2.0}, or Open Liberty
 * without third-party API visibility), the CDI extension starts and stops the application as before and loads no
 * class of the binding; where it can, the extension installs the binding.
 */
class WithoutOpenTelemetryTest {

    @Test
    void withoutTheApiTheExtensionLoadsNoClassOfTheBinding() {
        List<String> loaded = FreshLibrary.runWithout("io.opentelemetry.", ApplicationStartsAndStops.class, "");

        assertThat(loaded).contains(OAuthFilterExtension.class.getName(), "dev.oauthfilter.metrics.MetricsInstaller")
                .filteredOn(name -> !name.startsWith(WithoutOpenTelemetryTest.class.getName()))
                .noneMatch(name -> name.startsWith("dev.oauthfilter.telemetry."));
    }

    @Test
    void withTheApiTheExtensionInstallsTheBinding() {
        List<String> loaded = FreshLibrary.runWithout("no.such.package.", ApplicationStartsAndStops.class, "");

        assertThat(loaded).contains(TelemetryInstaller.class.getName(), OpenTelemetryBinding.class.getName());
    }

    /** What a CDI container does with the extension as an application starts, then stops. */
    public static final class ApplicationStartsAndStops implements Consumer<String> {
        @Override
        public void accept(String unused) {
            try {
                OAuthFilterExtension extension = new OAuthFilterExtension();
                Method started = OAuthFilterExtension.class.getDeclaredMethod("bindMetrics",
                        AfterDeploymentValidation.class);
                Method stops = OAuthFilterExtension.class.getDeclaredMethod("releaseOnShutdown", BeforeShutdown.class);
                started.setAccessible(true);
                stops.setAccessible(true);
                started.invoke(extension, (Object) null);
                stops.invoke(extension, (Object) null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
