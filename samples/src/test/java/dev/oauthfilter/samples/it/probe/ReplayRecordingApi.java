package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/** The {@code replay} client's view of the generic interface: every method, inherited ones included, is its own. */
@OAuthClient("replay")
@RegisterProvider(OAuthClientFilter.class)
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface ReplayRecordingApi extends RecordingApi<String> {

    @GET
    @Path("/record/{id}")
    Response readOwn(@PathParam("id") String id);
}
