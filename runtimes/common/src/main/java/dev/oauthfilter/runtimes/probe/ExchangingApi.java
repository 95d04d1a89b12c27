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
 * The exchange service through the {@code exchanging} client: the caller's token, exchanged (RFC 8693). No
 * {@code @Path} on the interface: see {@link TargetApi}.
 */
@OAuthClient("exchanging")
@RegisterProvider(OAuthClientFilter.class)
@Produces(MediaType.TEXT_PLAIN)
public interface ExchangingApi {

    @GET
    @Path("/exchange/service/{id}")
    Response service(@PathParam("id") String id);
}
