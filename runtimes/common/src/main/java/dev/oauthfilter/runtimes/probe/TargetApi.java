package dev.oauthfilter.runtimes.probe;

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

/**
 * The target as a Rest Client of the default client, built with {@code RestClientBuilder} (redirects as asked). No
 * {@code @Path} on the interface: Jersey (Payara) takes an interface with one and without {@code @RegisterRestClient}
 * for a resource class of the application, which then clashes with {@link TargetResource}.
 */
@RegisterProvider(OAuthClientFilter.class)
@Produces(MediaType.TEXT_PLAIN)
public interface TargetApi {

    @GET
    @Path("/target/redirect/{status}/{origin}/{id}")
    Response redirect(@PathParam("status") int status, @PathParam("origin") String origin, @PathParam("id") String id);

    /** A request whose body is a stream: it cannot be sent again on a redirect. */
    @POST
    @Path("/target/redirect/{status}/{origin}/{id}")
    Response redirectStream(@PathParam("status") int status, @PathParam("origin") String origin,
                            @PathParam("id") String id, InputStream body);
}
