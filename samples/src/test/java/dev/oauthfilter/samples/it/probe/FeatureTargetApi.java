package dev.oauthfilter.samples.it.probe;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The probe's target service as a MicroProfile Rest Client whose filter an application {@link OAuthFeature} registers
 * (no {@code @RegisterProvider}): the Feature is registered again on the client the filter sends hops through.
 */
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface FeatureTargetApi {

    @GET
    @Path("/redirect/{status}/{origin}/{id}")
    Response redirect(@PathParam("status") int status, @PathParam("origin") String origin, @PathParam("id") String id);
}
