package dev.oauthfilter.cdi;

import dev.oauthfilter.internal.clients.ApplicationClients;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;

import java.lang.reflect.Method;
import java.util.logging.Logger;

/**
 * Wires the optional integrations in only when the server provides their APIs: the readiness check (MicroProfile
 * Health), the metrics (MicroProfile Metrics) and the traces and metrics of OpenTelemetry (MicroProfile Telemetry, or
 * an OpenTelemetry API the application sees). Without them the library's classes that use those APIs are never
 * loaded; and when the application stops, closes the application's clients ({@link ApplicationClients}: the default
 * token cache's threads and HTTP clients, a fleet-wide cache and what its JCache provider started), so that nothing
 * keeps the stopped application alive. Registered through
 * {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 */
public class OAuthFilterExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(OAuthFilterExtension.class.getName());
    private static final String HEALTH_CHECK = "dev.oauthfilter.health.OAuthClientsReadinessCheck";
    private static final String METRIC_REGISTRY = "dev.oauthfilter.metrics.ApplicationMetricRegistry";
    private static final String METRICS_INSTALLER = "dev.oauthfilter.metrics.MetricsInstaller";
    private static final String TELEMETRY_INSTALLER = "dev.oauthfilter.telemetry.TelemetryInstaller";

    void addOptionalBeans(@Observes BeforeBeanDiscovery discovery) {
        if (present("org.eclipse.microprofile.health.HealthCheck")) {
            discovery.addAnnotatedType(load(HEALTH_CHECK), HEALTH_CHECK);
            LOG.fine("oauth-filter: readiness check 'oauth-clients' registered");
        }
        if (present("org.eclipse.microprofile.metrics.MetricRegistry")) {
            discovery.addAnnotatedType(load(METRIC_REGISTRY), METRIC_REGISTRY);
        }
    }

    void bindMetrics(@Observes AfterDeploymentValidation validated) {
        if (present("org.eclipse.microprofile.metrics.MetricRegistry")) {
            // by name: this package does not depend on the optional metrics binding
            invoke(METRICS_INSTALLER, "install");
            LOG.fine("oauth-filter: token metrics will go to the application's MetricRegistry");
        }
        // beside the metrics, not instead: a server can have both (Liberty's mpMetrics-5.1 and mpTelemetry-2.0)
        if (present("io.opentelemetry.api.OpenTelemetry") && present("io.opentelemetry.context.Context")) {
            invoke(TELEMETRY_INSTALLER, "install");
            LOG.fine("oauth-filter: token requests will be traced and measured with the application's OpenTelemetry");
        } else {
            LOG.fine("oauth-filter: no OpenTelemetry API visible to the application, no spans (Open Liberty's"
                    + " mpTelemetry-2.0 shows it to an application whose classloader has apiTypeVisibility"
                    + " +third-party)");
        }
    }

    void releaseOnShutdown(@Observes BeforeShutdown shutdown) {
        LOG.fine("oauth-filter: the application stops; closing its clients and their token caches");
        ApplicationClients.byDefault().close();
    }

    /** Calls a binding's static, package-private installer (the telemetry package is exported: its is not public). */
    private static void invoke(String className, String method) {
        try {
            Method installer = load(className).getDeclaredMethod(method);
            installer.setAccessible(true);
            installer.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> load(String name) {
        try {
            return (Class<T>) Class.forName(name, true, OAuthFilterExtension.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name, e);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OAuthFilterExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
