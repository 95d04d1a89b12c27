package dev.oauthfilter.runtimes.probe;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls made in a task of the server's managed executor, submitted by a request: work outside the request. A class of
 * its own, since it needs Jakarta Concurrency ({@code concurrent-3.0} on Liberty).
 */
@RequestScoped
@Path("/task")
@Produces(MediaType.TEXT_PLAIN)
public class TaskCallerResource {

    @Inject
    @RestClient
    PropagatedApi propagated;

    @Resource
    ManagedExecutorService executor;

    /** Through the propagating client in a task: it must not get the caller's token. */
    @GET
    @Path("/propagated/{id}")
    public String propagated(@PathParam("id") String id) {
        try {
            return executor.submit(() -> Calls.outcome(() -> propagated.record(id))).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "error:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error:interrupted";
        }
    }
}
