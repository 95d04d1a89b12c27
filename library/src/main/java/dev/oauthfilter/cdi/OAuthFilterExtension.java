package dev.oauthfilter.cdi;

import dev.oauthfilter.internal.clients.ApplicationClients;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Wires the optional integrations in only when the server provides their APIs: the readiness check (MicroProfile
 * Health) and the metrics (MicroProfile Metrics). Without them the library's classes that use those APIs are never
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
            try {
                load(METRICS_INSTALLER).getMethod("install").invoke(null);
                LOG.fine("oauth-filter: token metrics will go to the application's MetricRegistry");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(METRICS_INSTALLER, e);
            }
        }
    }

    void releaseOnShutdown(@Observes BeforeShutdown shutdown) {
        LOG.fine("oauth-filter: the application stops; closing its clients and their token caches");
        ApplicationClients.byDefault().close();
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
