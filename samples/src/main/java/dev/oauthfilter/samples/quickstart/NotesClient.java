package dev.oauthfilter.samples.quickstart;

import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The notes service at notes/mp-rest/url; every call carries a token of the default client (oauth.*). */
@RegisterRestClient(configKey = "notes")
@RegisterProvider(OAuthClientFilter.class)
public interface NotesClient {

    @GET
    @Path("/notes")
    String notes();
}
