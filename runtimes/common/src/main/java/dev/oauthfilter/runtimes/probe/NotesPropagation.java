package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the notes service through a propagating client and says what happened: {@code forwarded:<caller>} (the
 * notes service accepted a token and names its subject, as the sample's does), {@code refused:<code>} (no token was
 * sent), or {@code status:<n>}.
 */
@ApplicationScoped
public class NotesPropagation {

    private static final Pattern CALLER = Pattern.compile("\"caller\"\\s*:\\s*\"([^\"]*)\"");

    @Inject
    @RestClient
    NotesApi notes;

    @Inject
    @RestClient
    NotesWithFallbackApi withFallback;

    String call(boolean fallback) {
        Supplier<String> call = fallback ? withFallback::notes : notes::notes;
        try {
            Matcher caller = CALLER.matcher(call.get());
            return caller.find() ? "forwarded:" + caller.group(1) : "unexpected-page";
        } catch (ProcessingException e) {
            return Calls.refusal(e);
        } catch (WebApplicationException e) {
            return "status:" + e.getResponse().getStatus();
        }
    }
}
