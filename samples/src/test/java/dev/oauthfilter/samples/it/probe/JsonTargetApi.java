package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.samples.backend.ClientJsonbResolver;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

/** The probe's JSON service as a Rest Client with the filter (default client) and a JSON-B of its own, as the sample's. */
@RegisterProvider(OAuthClientFilter.class)
@RegisterProvider(ClientJsonbResolver.class)
@Path("/target")
public interface JsonTargetApi {

    @GET
    @Path("/json/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    JsonAnswer json(@PathParam("id") String id);
}
