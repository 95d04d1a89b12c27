package dev.oauthfilter.samples.it.mtls;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The certificate-bound service through the {@code mtls} client; on Liberty the Rest Client presents the certificate
 * of the server's outbound SSL configuration.
 */
@RegisterRestClient(configKey = "mtls-service")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("mtls")
public interface MutualTlsServiceApi {

    @GET
    @Path("/resource")
    Response resource();
}
