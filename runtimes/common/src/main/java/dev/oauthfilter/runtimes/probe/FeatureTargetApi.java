package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The target as a MicroProfile Rest Client whose filter an application {@link OAuthFeature} registers (no
 * {@code @RegisterProvider}): the Feature is registered again on the client the filter sends hops through. No
 * {@code @Path} on the interface: see {@link TargetApi}.
 */
@Produces(MediaType.TEXT_PLAIN)
public interface FeatureTargetApi {

    @GET
    @Path("/target/redirect/{status}/{origin}/{id}")
    Response redirect(@PathParam("status") int status, @PathParam("origin") String origin, @PathParam("id") String id);
}
