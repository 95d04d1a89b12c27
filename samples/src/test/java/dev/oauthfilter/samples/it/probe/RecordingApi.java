package dev.oauthfilter.samples.it.probe;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A generic Rest Client interface that names no client, as a shared {@code CrudApi<T>} does: which client's token
 * its methods carry depends on the interface that extends it ({@link ReplayRecordingApi}).
 */
@Path("/target")
@Produces(MediaType.TEXT_PLAIN)
public interface RecordingApi<T> {

    @GET
    @Path("/record/{id}")
    Response read(@PathParam("id") String id);

    @POST
    @Path("/record/{id}")
    @Consumes(MediaType.TEXT_PLAIN)
    Response create(@PathParam("id") String id, T body);
}
