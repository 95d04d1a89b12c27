package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * What a user's application does with the library, in one WAR that every runtime under test deploys as it is: a
 * stand-in token endpoint ({@link TokenEndpointResource}), a service that records what it receives
 * ({@link TargetResource}), and callers that reach it through the runtime's own MicroProfile Rest Client and JAX-RS
 * client with the filter ({@link CallerResource}).
 */
@ApplicationPath("/api")
public class ProbeApplication extends Application {
}
