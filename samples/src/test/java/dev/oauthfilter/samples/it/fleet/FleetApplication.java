package dev.oauthfilter.samples.it.fleet;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The fleet application: one replica of a backend that shares its tokens through JCache on Hazelcast. */
@ApplicationPath("/probe")
public class FleetApplication extends Application {
}
