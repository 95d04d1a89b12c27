package dev.oauthfilter.samples.it.probe;

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
import java.util.List;

/**
 * The services the probe's clients call: one that records what it receives, one that redirects to it (to this
 * origin, {@code localhost}, or to another one, {@code 127.0.0.1} on the same port), one that refuses the first
 * token it sees, and one that answers JSON.
 */
@Path("/target")
public class TargetResource {

    @Inject
    Recorder recorder;

    @Context
    UriInfo uriInfo;

    @GET
    @Path("/record/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String record(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        recorder.record(id, authorization);
        return "recorded";
    }

    @POST
    @Path("/record/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String recordPost(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             String body) {
        recorder.record(id, authorization);
        return "recorded " + body.length();
    }

    @GET
    @Path("/json/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonAnswer json(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        recorder.record(id, authorization);
        return new JsonAnswer(id, authorization != null);
    }

    @GET
    @Path("/redirect/{status}/{origin}/{id}")
    public Response redirect(@PathParam("status") int status, @PathParam("origin") String origin,
                             @PathParam("id") String id) {
        return Response.status(status).location(recordUri(origin, id)).build();
    }

    @POST
    @Path("/redirect/{status}/{origin}/{id}")
    public Response redirectPost(@PathParam("status") int status, @PathParam("origin") String origin,
                                 @PathParam("id") String id, String body) {
        return Response.status(status).location(recordUri(origin, id)).build();
    }

    @GET
    @Path("/unauthorized-once/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response unauthorizedOnce(@PathParam("id") String id,
                                     @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        int before = recorder.record(id, authorization);
        return before == 0
                ? Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build()
                : Response.ok("second token accepted").build();
    }

    @GET
    @Path("/received/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String received(@PathParam("id") String id) {
        List<String> calls = recorder.received(id);
        return String.join(",", calls);
    }

    private URI recordUri(String origin, String id) {
        String host = "other".equals(origin) ? "127.0.0.1" : "localhost";
        return uriInfo.getBaseUriBuilder().host(host).path("target/record/" + id).build();
    }
}
