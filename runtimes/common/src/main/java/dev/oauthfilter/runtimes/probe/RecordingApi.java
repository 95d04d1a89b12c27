package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A generic Rest Client interface that names no client, as a shared {@code CrudApi<T>} does: which client's token its
 * methods carry depends on the runtime telling the library which interface the call was made through
 * ({@link OrdersRecordingApi}, {@link ReplayRecordingApi}). No {@code @Path} on the interface: see {@link TargetApi}.
 *
 * @param <T> what it records
 */
public interface RecordingApi<T> {

    @GET
    @Path("/target/record/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String read(@PathParam("id") String id);

    @POST
    @Path("/target/record/{id}")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    String create(@PathParam("id") String id, T body);
}
