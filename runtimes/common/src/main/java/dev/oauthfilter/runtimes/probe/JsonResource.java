package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The application's own JSON, written by JSON-B as Jakarta EE has it: what the library (which brings Jackson) must
 * leave as it is.
 */
@RequestScoped
@Path("/json")
public class JsonResource {

    /** An entity whose JSON name only JSON-B knows. */
    public static class Note {
        /** Written as {@code note_text} by JSON-B, as {@code text} by Jackson. */
        @JsonbProperty("note_text")
        public String text = "written by JSON-B";
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Note note() {
        return new Note();
    }
}
