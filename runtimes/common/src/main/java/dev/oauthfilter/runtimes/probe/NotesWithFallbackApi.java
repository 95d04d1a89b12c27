package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The notes service through client {@code notes-propagated-fallback}: the caller's token, else the client's own. */
@RegisterRestClient(configKey = "probe-notes")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("notes-propagated-fallback")
@Path("/notes")
public interface NotesWithFallbackApi {

    @GET
    String notes();
}
