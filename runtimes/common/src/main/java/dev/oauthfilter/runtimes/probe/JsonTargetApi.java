package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/**
 * The target's JSON service as a Rest Client of the default client; {@link JsonProbe} registers its JSON-B. No
 * {@code @Path} on the interface: see {@link TargetApi}.
 */
@RegisterProvider(OAuthClientFilter.class)
public interface JsonTargetApi {

    @GET
    @Path("/target/json/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    JsonAnswer json(@PathParam("id") String id);
}
