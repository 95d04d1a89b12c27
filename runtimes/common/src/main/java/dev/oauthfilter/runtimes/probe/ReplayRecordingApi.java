package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/**
 * The {@code replay} client's view of the generic interface, with a method of its own: every method, inherited ones
 * included, is its own. No {@code @Path} on the interface: see {@link TargetApi}.
 */
@OAuthClient("replay")
@RegisterProvider(OAuthClientFilter.class)
public interface ReplayRecordingApi extends RecordingApi<String> {

    @GET
    @Path("/target/record/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String readOwn(@PathParam("id") String id);
}
