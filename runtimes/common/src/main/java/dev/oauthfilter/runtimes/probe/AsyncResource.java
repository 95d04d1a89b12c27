package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Requests whose response is not written by the thread that took them: suspended and resumed from another thread,
 * or failing with an exception that no mapper handles.
 */
@Path("/async")
public class AsyncResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public void suspended(@Suspended AsyncResponse response) {
        // resumed once the thread that took the request has gone back to the pool
        CompletableFuture.runAsync(() -> response.resume("resumed"),
                CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    }

    @GET
    @Path("/throws")
    @Produces(MediaType.TEXT_PLAIN)
    public String fails() {
        throw new IllegalStateException("the probe fails on purpose");
    }
}
