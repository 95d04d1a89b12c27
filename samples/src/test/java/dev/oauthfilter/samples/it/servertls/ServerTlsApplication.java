package dev.oauthfilter.samples.it.servertls;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * An application whose clients have no {@code oauth.*.tls.trust-store} or {@code tls.key-store}: their token
 * requests take Liberty's SSL configuration, the one it chooses for the token endpoint's host and port, or the one a
 * client names with {@code tls.ssl-ref}.
 */
@ApplicationPath("/probe")
public class ServerTlsApplication extends Application {
}
