package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * A service on the target's origin but outside the {@code orders} client's {@code allowed-hosts} (which names
 * {@code .../api/target}): it records what it receives, under the same ids as the target.
 */
@RequestScoped
@Path("/elsewhere")
@Produces(MediaType.TEXT_PLAIN)
public class ElsewhereResource {

    @Inject
    Ledger ledger;

    @GET
    @Path("/record/{id}")
    public String record(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ledger.received(id, authorization);
        return "recorded";
    }
}
