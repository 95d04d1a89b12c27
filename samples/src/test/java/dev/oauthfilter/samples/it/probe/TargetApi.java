package dev.oauthfilter.samples.it.probe;

import dev.oauthfilter.OAuthClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;

import java.io.InputStream;

/** The probe's target service as a MicroProfile Rest Client with the filter, default client. */
@RegisterProvider(OAuthClientFilter.class)
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface TargetApi {

    @GET
    @Path("/redirect/{status}/{origin}/{id}")
    Response redirect(@PathParam("status") int status, @PathParam("origin") String origin, @PathParam("id") String id);

    @POST
    @Path("/redirect/{status}/{origin}/{id}")
    Response redirectStream(@PathParam("status") int status, @PathParam("origin") String origin,
                            @PathParam("id") String id, InputStream body);

    @GET
    @Path("/unauthorized-once/{id}")
    Response unauthorizedOnce(@PathParam("id") String id);
}
