package dev.oauthfilter.samples;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The sample's three parts under {@code /api}: {@code demo-as} (a local stand-in authorization server),
 * {@code notes} (the protected service, MP-JWT) and {@code backend} (the application using oauth-filter).
 */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
public class SamplesApplication extends Application {
}
