package dev.oauthfilter.samples.it.probe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * A small application deployed beside the sample by the integration tests, with what a user's own application does
 * on Liberty: MicroProfile Rest Clients and JAX-RS clients with the filter, suspended resources, a servlet.
 */
@ApplicationPath("/probe")
public class ProbeApplication extends Application {
}
