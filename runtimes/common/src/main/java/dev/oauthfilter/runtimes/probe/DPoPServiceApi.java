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
 * The DPoP service through the {@code dpop} client (a DPoP-bound token and a proof per request). No {@code @Path} on
 * the interface: see {@link TargetApi}.
 */
@OAuthClient("dpop")
@RegisterProvider(OAuthClientFilter.class)
@Produces(MediaType.TEXT_PLAIN)
public interface DPoPServiceApi {

    @GET
    @Path("/dpop/service/{id}")
    Response service(@PathParam("id") String id);
}
