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

/** The DPoP service through the {@code dpop} client (a DPoP-bound token and a proof per request). */
@OAuthClient("dpop")
@RegisterProvider(OAuthClientFilter.class)
@Path("/dpop")
@Produces(MediaType.TEXT_PLAIN)
public interface DPoPServiceApi {

    @GET
    @Path("/service/{id}")
    Response service(@PathParam("id") String id);
}
