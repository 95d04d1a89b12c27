package dev.oauthfilter.telemetry;

import dev.oauthfilter.internal.clients.ApplicationClients;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

/**
 * Installs the OpenTelemetry binding on the application's clients (every token cache they have); called by the
 * library's CDI extension, by name, only when the OpenTelemetry API can be loaded.
 */
final class TelemetryInstaller {

    private TelemetryInstaller() {
    }

    /** Reports the token events of the application's clients to the application's OpenTelemetry. */
    static void install() {
        ApplicationClients.byDefault().events(new OpenTelemetryBinding(TelemetryInstaller::applicationOpenTelemetry));
    }

    /**
     * The application's {@code OpenTelemetry} bean (MicroProfile Telemetry: Open Liberty's is application scoped,
     * and a no-op one while {@code otel.sdk.disabled} is true); without one, the global OpenTelemetry once something
     * (a Java agent, the application) has set it; null until then.
     */
    static OpenTelemetry applicationOpenTelemetry() {
        Instance<OpenTelemetry> bean;
        try {
            bean = CDI.current().select(OpenTelemetry.class);
        } catch (RuntimeException notOnThisThread) {
            return null;
        }
        if (bean.isResolvable()) {
            return bean.get();
        }
        return global();
    }

    /**
     * Never {@code GlobalOpenTelemetry.get()} before something set it: it would make a no-op instance the global one
     * for good (a later {@code set} then fails), and Open Liberty logs a warning (CWMOT5000W) for every such call.
     */
    private static OpenTelemetry global() {
        try {
            return GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.get() : null;
        } catch (LinkageError olderApi) {
            // an API without isSet() (Open Liberty's own GlobalOpenTelemetry has none): no global then
            return null;
        }
    }
}
