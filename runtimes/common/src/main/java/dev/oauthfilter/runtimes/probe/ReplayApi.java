package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/**
 * The target's refusing service as a Rest Client of the {@code replay} client (no {@code @Path} on the interface: see
 * {@link TargetApi}).
 */
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("replay")
@Produces(MediaType.TEXT_PLAIN)
public interface ReplayApi {

    @GET
    @Path("/target/unauthorized-once/{id}")
    Response unauthorizedOnce(@PathParam("id") String id);
}
