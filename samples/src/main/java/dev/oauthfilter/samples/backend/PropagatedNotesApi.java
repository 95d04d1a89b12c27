package dev.oauthfilter.samples.backend;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.samples.notes.NotesPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The notes service called on behalf of the backend's own caller: client {@code propagated} forwards its token. */
@RegisterRestClient(configKey = "notes")
@RegisterProvider(OAuthClientFilter.class)
@RegisterProvider(ClientJsonbResolver.class)
@OAuthClient("propagated")
@Path("/notes")
public interface PropagatedNotesApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    NotesPage notes();
}
