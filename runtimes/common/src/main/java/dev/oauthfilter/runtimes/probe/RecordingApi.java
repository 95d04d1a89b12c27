package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A generic Rest Client interface that names no client, as a shared {@code CrudApi<T>} does: which client's token its
 * methods carry depends on the runtime telling the library which interface the call was made through
 * ({@link OrdersRecordingApi}). No {@code @Path} on the interface: see {@link TargetApi}.
 *
 * @param <T> what it records
 */
public interface RecordingApi<T> {

    @GET
    @Path("/target/record/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String read(@PathParam("id") String id);
}
