package dev.oauthfilter.runtimes.probe;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.TokenProvider;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.time.Duration;
import java.time.Instant;

import static dev.oauthfilter.runtimes.probe.Calls.response;

/** Calls to the DPoP service ({@link DPoPResource}) through a Rest Client of the {@code dpop} client. */
@RequestScoped
@Path("/call-dpop")
@Produces(MediaType.TEXT_PLAIN)
public class DPoPCallerResource {

    @Inject
    @OAuthClient("dpop")
    TokenProvider dpopTokens;

    @Context
    UriInfo uriInfo;

    /** Two calls: the first is asked for a nonce (the filter sends it once more with one), the second has it at once. */
    @GET
    @Path("/twice/{id}")
    public String twice(@PathParam("id") String id) {
        return Calls.withRestClient(uriInfo.getBaseUri(), DPoPServiceApi.class, false,
                api -> String.join(" ", response(() -> api.service(id)), response(() -> api.service(id))));
    }

    @GET
    @Path("/once/{id}")
    public String once(@PathParam("id") String id) {
        return Calls.withRestClient(uriInfo.getBaseUri(), DPoPServiceApi.class, false,
                api -> response(() -> api.service(id)));
    }

    /** Milliseconds since the {@code dpop} client's token was issued. */
    @GET
    @Path("/token-age")
    public String tokenAge() {
        return Long.toString(Duration.between(dpopTokens.token().issuedAt(), Instant.now()).toMillis());
    }
}
