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
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The target as a user declares a service: a CDI-injected Rest Client ({@code orders-api/mp-rest/url}) with the
 * filter, of the {@code orders} client, whose secret comes from the environment ({@code OAUTH_ORDERS_CLIENT_SECRET}).
 */
@RegisterRestClient(configKey = "orders-api")
@RegisterProvider(OAuthClientFilter.class)
@OAuthClient("orders")
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface OrdersApi {

    @GET
    @Path("/record/{id}")
    String record(@PathParam("id") String id);

    @GET
    @Path("/redirect/{status}/{origin}/{id}")
    Response redirect(@PathParam("status") int status, @PathParam("origin") String origin, @PathParam("id") String id);
}
