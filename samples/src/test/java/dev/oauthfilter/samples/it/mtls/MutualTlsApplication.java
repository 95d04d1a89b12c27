package dev.oauthfilter.samples.it.mtls;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * An application whose MicroProfile Rest Client reaches a service over mutual TLS (RFC 8705): the library presents
 * the client certificate to the token endpoint ({@code tls_client_auth}), the Rest Client presents the same one to the
 * service, which accepts the token only from the certificate it is bound to.
 */
@ApplicationPath("/probe")
public class MutualTlsApplication extends Application {
}
