package dev.oauthfilter.samples.it.fleet;

import dev.oauthfilter.TokenProvider;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Set;
import java.util.TreeSet;

/**
 * Asks the default client (configured with {@code oauth.shared-cache.*} only) for its token {@code n} times and
 * answers the fingerprints of the tokens it got.
 */
@Path("/fleet/tokens")
@RequestScoped
public class FleetResource {

    @Inject
    TokenProvider tokens;

    @GET
    @Path("/{n}")
    @Produces(MediaType.TEXT_PLAIN)
    public String tokens(@PathParam("n") int n) {
        Set<String> fingerprints = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            fingerprints.add(tokens.token().fingerprint());
        }
        return String.join(",", fingerprints);
    }
}
