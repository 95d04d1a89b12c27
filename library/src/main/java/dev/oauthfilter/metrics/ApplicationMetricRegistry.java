package dev.oauthfilter.metrics;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Holds the application registry, injected into a field: some implementations (Open Liberty's) produce the registry
 * only for a real injection point, so {@code CDI.current().select(MetricRegistry.class)} alone does not work. Added
 * as a bean by the library's CDI extension when the Metrics API is present.
 */
public class ApplicationMetricRegistry {

    // an Instance, so that an application with the Metrics API but no implementation still deploys
    @Inject
    Instance<MetricRegistry> registry;

    /** @return the application registry, or null when the container has none */
    public MetricRegistry registry() {
        return registry.isResolvable() ? registry.get() : null;
    }
}
