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

/** The exchange probe's service through the {@code exchanging} client: the caller's token, exchanged (RFC 8693). */
@OAuthClient("exchanging")
@RegisterProvider(OAuthClientFilter.class)
@Path("/exchange")
@Produces(MediaType.TEXT_PLAIN)
public interface ExchangingApi {

    @GET
    @Path("/service/{id}")
    Response service(@PathParam("id") String id);
}
