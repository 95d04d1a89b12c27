package dev.oauthfilter.runtimes.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A client-credentials token endpoint ({@code client_secret_basic}) for the probe's clients: a new opaque token for
 * each request whose credentials it accepts, valid one hour; {@code invalid_client} otherwise. The secret of
 * {@code probe-orders} is {@code probe.orders.accepted-secret}: on WildFly and Payara the environment variable
 * {@code PROBE_ORDERS_ACCEPTED_SECRET} the test run gave the server (the application reads its own copy from
 * {@code OAUTH_ORDERS_CLIENT_SECRET}). {@code probe-refused} is refused unless {@code probe.refused.accepted-secret}
 * says otherwise (Open Liberty's readiness is the server's, which the Liberty ITs want UP).
 */
@RequestScoped
@Path("/as")
public class TokenEndpointResource {

    private static final Map<String, String> FIXED_SECRETS = Map.of(
            "probe-default", "probe-default-test-only-secret",
            "probe-replay", "probe-replay-test-only-secret",
            "probe-notes-fallback", "probe-notes-fallback-test-only-secret");

    @Inject
    Ledger ledger;

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                          @FormParam("grant_type") String grantType) {
        Optional<String[]> credentials = basicCredentials(authorization);
        String clientId = credentials.map(c -> c[0]).orElse("anonymous");
        if (!"client_credentials".equals(grantType) || credentials.isEmpty()
                || !credentials.get()[1].equals(acceptedSecret(clientId))) {
            ledger.refused(clientId);
            return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"probe\"")
                    .entity("{\"error\":\"invalid_client\"}").type(MediaType.APPLICATION_JSON).build();
        }
        String token = "probe-" + clientId + "-" + UUID.randomUUID();
        ledger.issued(clientId, "Bearer " + token);
        return Response.ok("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                .header("Cache-Control", "no-store").build();
    }

    /** @return fingerprints of {@code Bearer <token>} for each token issued to the client, oldest first */
    @GET
    @Path("/issued/{clientId}")
    @Produces(MediaType.TEXT_PLAIN)
    public String issued(@PathParam("clientId") String clientId) {
        return String.join(",", ledger.issuedTo(clientId));
    }

    /** @return how many token requests of the client were refused */
    @GET
    @Path("/refused/{clientId}")
    @Produces(MediaType.TEXT_PLAIN)
    public String refused(@PathParam("clientId") String clientId) {
        return Integer.toString(ledger.refusedFor(clientId).size());
    }

    private static String acceptedSecret(String clientId) {
        Config config = ConfigProvider.getConfig();
        switch (clientId) {
            case "probe-orders":
                return config.getOptionalValue("probe.orders.accepted-secret", String.class).orElse(null);
            case "probe-refused":
                return config.getOptionalValue("probe.refused.accepted-secret", String.class)
                        .orElse("not-the-secret-it-is-configured-with");
            default:
                return FIXED_SECRETS.get(clientId);
        }
    }

    // RFC 6749 section 2.3.1: client id and secret are form-encoded before they are put in the Basic header
    private static Optional<String[]> basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)});
    }
}
