package dev.oauthfilter.cdi;

import dev.oauthfilter.TokenCache;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Wires the optional integrations in only when the server provides their APIs: the readiness check (MicroProfile
 * Health) and the metrics (MicroProfile Metrics). Without them the library's classes that use those APIs are never
 * loaded; and when the application stops, releases the threads and HTTP clients of the shared token cache, so that
 * nothing keeps the stopped application alive. Registered through
 * {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 */
public class OAuthFilterExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(OAuthFilterExtension.class.getName());
    private static final String HEALTH_CHECK = "dev.oauthfilter.health.OAuthClientsReadinessCheck";
    private static final String METRIC_REGISTRY = "dev.oauthfilter.metrics.ApplicationMetricRegistry";

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
            MetricsInstaller.install();
            LOG.fine("oauth-filter: token metrics will go to the application's MetricRegistry");
        }
    }

    void releaseOnShutdown(@Observes BeforeShutdown shutdown) {
        TokenCache.shared().close();
    }

    /** Keeps the MicroProfile Metrics types out of the extension's own signature. */
    static final class MetricsInstaller {
        private MetricsInstaller() {
        }

        static void install() {
            String application = applicationName();
            TokenCache.shared().events(new dev.oauthfilter.metrics.MicroProfileMetricsBinding(() -> {
                try {
                    var holder = CDI.current().select(dev.oauthfilter.metrics.ApplicationMetricRegistry.class);
                    return holder.isResolvable() ? holder.get().registry() : null;
                } catch (RuntimeException notYet) {
                    return null;
                }
            }, application));
        }

        /** The standard {@code java:app/AppName}, or null outside a Jakarta EE container. */
        private static String applicationName() {
            try {
                Object name = new javax.naming.InitialContext().lookup("java:app/AppName");
                return name instanceof String ? (String) name : null;
            } catch (javax.naming.NamingException | RuntimeException | LinkageError e) {
                return null;
            }
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
