package dev.oauthfilter.samples.it.mtls;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /probe/mtls/call}: two calls through the injected Rest Client, answered with their statuses;
 * {@code /probe/mtls/ping} answers once the application runs.
 */
@Path("/mtls")
@ApplicationScoped
public class MutualTlsCaller {

    @Inject
    @RestClient
    MutualTlsServiceApi service;

    @GET
    @Path("/ping")
    @Produces(MediaType.TEXT_PLAIN)
    public String ping() {
        return "up";
    }

    @GET
    @Path("/call")
    @Produces(MediaType.TEXT_PLAIN)
    public String call() {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (Response response = service.resource()) {
                outcomes.add("status:" + response.getStatus());
            } catch (RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                outcomes.add("error:" + root.getClass().getSimpleName());
            }
        }
        return String.join(" ", outcomes);
    }
}
