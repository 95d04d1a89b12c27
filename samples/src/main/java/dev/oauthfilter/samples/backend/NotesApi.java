package dev.oauthfilter.samples.backend;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.samples.notes.NotesPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The notes service as a Rest Client; the filter adds the default client's ({@code oauth.*}) token. Its JSON-B is its
 * own ({@link ClientJsonbResolver}), so that the application leaves nothing behind when it stops.
 */
@RegisterRestClient(configKey = "notes")
@RegisterProvider(OAuthClientFilter.class)
@RegisterProvider(ClientJsonbResolver.class)
@Path("/notes")
public interface NotesApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    NotesPage notes();
}
