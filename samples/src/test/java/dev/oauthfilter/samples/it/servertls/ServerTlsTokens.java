package dev.oauthfilter.samples.it.servertls;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /probe/tls/token/{client}}: {@code token:<value>} of that client, or {@code error:<code>} (also when its
 * settings are refused);
 * {@code /probe/tls/ping} answers once the application runs.
 */
@Path("/tls")
@ApplicationScoped
public class ServerTlsTokens {

    @Inject
    @OAuthClient("byhost")
    Instance<TokenProvider> byHost;

    @Inject
    @OAuthClient("otherport")
    Instance<TokenProvider> otherPort;

    @Inject
    @OAuthClient("named")
    Instance<TokenProvider> named;

    @Inject
    @OAuthClient("namedwithouttrust")
    Instance<TokenProvider> namedWithoutTrust;

    @Inject
    @OAuthClient("mtls")
    Instance<TokenProvider> mutualTls;

    @Inject
    @OAuthClient("serverdefault")
    Instance<TokenProvider> serverDefault;

    @GET
    @Path("/ping")
    @Produces(MediaType.TEXT_PLAIN)
    public String ping() {
        return "up";
    }

    @GET
    @Path("/token/{client}")
    @Produces(MediaType.TEXT_PLAIN)
    public String token(@PathParam("client") String client) {
        Instance<TokenProvider> provider = Map.of("byhost", byHost, "otherport", otherPort, "named", named,
                "namedwithouttrust", namedWithoutTrust, "mtls", mutualTls, "serverdefault", serverDefault).get(client);
        try {
            // made when first asked for: a client whose settings are refused fails its own calls only
            return "token:" + provider.get().token().value();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof TokenException) {
                    return "error:" + ((TokenException) cause).code();
                }
            }
            throw e;
        }
    }
}
