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

/** The same service, called with the named client {@code reports} ({@code oauth.reports.*}). */
@RegisterRestClient(configKey = "notes")
@RegisterProvider(OAuthClientFilter.class)
@RegisterProvider(ClientJsonbResolver.class)
@OAuthClient("reports")
@Path("/notes")
public interface ReportsNotesApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    NotesPage notes();
}
