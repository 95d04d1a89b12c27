package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;

/**
 * The service the probe's clients call: it records the {@code Authorization} header of each call (as a GET, a POST,
 * or a JSON answer), redirects to itself (on this origin, {@code localhost}, or another one, {@code 127.0.0.1} on the
 * same port) or to {@link ElsewhereResource} on this origin ({@code outside}), and refuses the first token it sees on
 * {@code unauthorized-once}.
 */
@RequestScoped
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public class TargetResource {

    @Inject
    Ledger ledger;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("/record/{id}")
    public String record(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ledger.received(id, authorization);
        return "recorded";
    }

    @POST
    @Path("/record/{id}")
    public String recordPost(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             String body) {
        ledger.received(id, authorization);
        return "recorded " + body.length();
    }

    @GET
    @Path("/json/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonAnswer json(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ledger.received(id, authorization);
        return new JsonAnswer(id, authorization != null);
    }

    @GET
    @Path("/redirect/{status}/{origin}/{id}")
    public Response redirect(@PathParam("status") int status, @PathParam("origin") String origin,
                             @PathParam("id") String id) {
        return Response.status(status).location(location(origin, id)).build();
    }

    @POST
    @Path("/redirect/{status}/{origin}/{id}")
    public Response redirectPost(@PathParam("status") int status, @PathParam("origin") String origin,
                                 @PathParam("id") String id, String body) {
        return Response.status(status).location(location(origin, id)).build();
    }

    @GET
    @Path("/unauthorized-once/{id}")
    public Response unauthorizedOnce(@PathParam("id") String id,
                                     @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return ledger.received(id, authorization) == 0
                ? Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build()
                : Response.ok("second token accepted").build();
    }

    /** @return the fingerprints of the {@code Authorization} headers received under this id, in order */
    @GET
    @Path("/received/{id}")
    public String received(@PathParam("id") String id) {
        return String.join(",", ledger.receivedBy(id));
    }

    private URI location(String origin, String id) {
        String host = "other".equals(origin) ? "127.0.0.1" : "localhost";
        String path = "outside".equals(origin) ? "elsewhere/record/" : "target/record/";
        return uriInfo.getBaseUriBuilder().host(host).path(path + id).build();
    }
}
