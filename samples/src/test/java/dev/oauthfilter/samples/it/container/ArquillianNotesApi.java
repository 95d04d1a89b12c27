package dev.oauthfilter.samples.it.container;

import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The sample's notes service, seen from the test deployment; the filter adds the default client's token. */
@RegisterRestClient(configKey = "it-notes")
@RegisterProvider(OAuthClientFilter.class)
@Path("/notes")
public interface ArquillianNotesApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    String notes();
}
