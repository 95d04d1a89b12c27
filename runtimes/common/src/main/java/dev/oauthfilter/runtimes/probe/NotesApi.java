package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * A notes service ({@code probe-notes/mp-rest/url}; the Liberty ITs point it at the sample's protected one), called
 * with the caller's own token (client {@code notes-propagated}).
 */
@RegisterRestClient(configKey = "probe-notes")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("notes-propagated")
@Path("/notes")
public interface NotesApi {

    @GET
    String notes();
}
