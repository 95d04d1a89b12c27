package dev.oauthfilter.samples.it.container;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The same service with the named client {@code reports}, chosen per method. */
@RegisterRestClient(configKey = "it-notes")
@RegisterProvider(OAuthClientFilter.class)
@Path("/notes")
public interface ArquillianReportsApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @OAuthClient("reports")
    String notes();
}
