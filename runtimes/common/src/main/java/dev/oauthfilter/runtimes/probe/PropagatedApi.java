package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The target as a Rest Client of the {@code propagated} client, which forwards the caller's own token. */
@RegisterRestClient(configKey = "propagated-api")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("propagated")
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface PropagatedApi {

    @GET
    @Path("/record/{id}")
    String record(@PathParam("id") String id);
}
