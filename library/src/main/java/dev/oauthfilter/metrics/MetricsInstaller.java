package dev.oauthfilter.metrics;

import dev.oauthfilter.internal.clients.ApplicationClients;
import jakarta.enterprise.inject.spi.CDI;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Installs the metrics binding on the application's clients (every token cache they have); called by the library's CDI extension, by name, only when
 * the server provides MicroProfile Metrics.
 */
public final class MetricsInstaller {

    private MetricsInstaller() {
    }

    /** Reports the token events of the application's clients to the application's MetricRegistry. */
    public static void install() {
        ApplicationClients.byDefault().events(new MicroProfileMetricsBinding(() -> {
            try {
                var holder = CDI.current().select(ApplicationMetricRegistry.class);
                return holder.isResolvable() ? holder.get().registry() : null;
            } catch (RuntimeException notYet) {
                return null;
            }
        }, applicationName()));
    }

    /** The standard {@code java:app/AppName}, or null outside a Jakarta EE container. */
    private static String applicationName() {
        try {
            Object name = new InitialContext().lookup("java:app/AppName");
            return name instanceof String ? (String) name : null;
        } catch (NamingException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
