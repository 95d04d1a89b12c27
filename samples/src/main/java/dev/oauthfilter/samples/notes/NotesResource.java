package dev.oauthfilter.samples.notes;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;

/** {@code GET /api/notes}: 401 without a valid token, the notes with one. */
@Path("/notes")
@RequestScoped
public class NotesResource {

    private static final List<Note> NOTES = List.of(
            new Note(1, "Buy milk"),
            new Note(2, "Rotate the demo signing key"),
            new Note(3, "Call the token endpoint once per token lifetime"));

    @Inject
    JsonWebToken caller;

    @GET
    @RolesAllowed("notes.read")
    @Produces(MediaType.APPLICATION_JSON)
    public NotesPage notes() {
        return new NotesPage(caller.getSubject(), NOTES);
    }
}
