package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * What a user's application does with the library, in one WAR that every runtime under test deploys as it is (Open
 * Liberty with a configuration of a higher ordinal beside it): stand-in authorization servers (client credentials
 * {@link TokenEndpointResource}, DPoP {@link DPoPResource}, token exchange {@link ExchangeResource}), a service that
 * records what it receives ({@link TargetResource}), and callers that reach them through the runtime's own
 * MicroProfile Rest Client and JAX-RS client with the filter ({@link CallerResource}, {@link DPoPCallerResource},
 * {@link TaskCallerResource}, {@link PropagationServlet}).
 */
@ApplicationPath("/api")
public class ProbeApplication extends Application {
}
