package dev.oauthfilter.cdi;

import dev.oauthfilter.TokenCache;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Wires the optional integrations in only when the server provides their APIs: the readiness check (MicroProfile
 * Health) and the metrics (MicroProfile Metrics). Without them the library's classes that use those APIs are never
 * loaded. Registered through {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 */
public class OAuthFilterExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(OAuthFilterExtension.class.getName());
    private static final String HEALTH_CHECK = "dev.oauthfilter.health.OAuthClientsReadinessCheck";

    void addReadinessCheck(@Observes BeforeBeanDiscovery discovery) {
        if (present("org.eclipse.microprofile.health.HealthCheck")) {
            discovery.addAnnotatedType(load(HEALTH_CHECK), HEALTH_CHECK);
            LOG.fine("oauth-filter: readiness check 'oauth-clients' registered");
        }
    }

    void bindMetrics(@Observes AfterDeploymentValidation validated, BeanManager beans) {
        if (!present("org.eclipse.microprofile.metrics.MetricRegistry")) {
            return;
        }
        Instance<Object> registries = beans.createInstance().select(load("org.eclipse.microprofile.metrics.MetricRegistry"));
        if (registries.isResolvable()) {
            MetricsInstaller.install(registries.get());
            LOG.fine("oauth-filter: token metrics registered in the application registry");
        }
    }

    /** Keeps the MicroProfile Metrics types out of the extension's own signature. */
    static final class MetricsInstaller {
        private MetricsInstaller() {
        }

        static void install(Object registry) {
            TokenCache.shared().events(new dev.oauthfilter.metrics.MicroProfileMetricsBinding(
                    (org.eclipse.microprofile.metrics.MetricRegistry) registry));
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
