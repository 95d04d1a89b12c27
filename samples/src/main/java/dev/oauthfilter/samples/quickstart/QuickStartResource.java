package dev.oauthfilter.samples.quickstart;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** {@code GET /api/quickstart}: the notes, fetched through {@link NotesClient}. */
@Path("/quickstart")
@RequestScoped
public class QuickStartResource {

    @Inject
    @RestClient
    NotesClient notes;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String notes() {
        return notes.notes();   // sent with "Authorization: Bearer <token>"
    }
}
