package dev.oauthfilter.samples.authserver;

import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * LOCAL STAND-IN authorization server: the client-credentials grant in the Mobile Client Access layout
 * ({@code POST imf-authserver/authorization/v1/apps/{tenantId}/token}, HTTP Basic with raw credentials) and at a
 * standard token endpoint ({@code POST oauth/token}, Basic form-encoded per RFC 6749 or client_secret_post).
 * Clients are {@code demo.as.clients}, all with the secret {@code demo.client.secret}; the client named by
 * {@code demo.as.expired-client} gets tokens that expired a minute ago (for negative tests).
 */
@Path("/demo-as")
@ApplicationScoped
public class DemoAuthorizationServer {

    private static final Logger LOG = Logger.getLogger(DemoAuthorizationServer.class.getName());

    @Inject
    SigningKey signingKey;

    @Inject
    TokenRequestStats stats;

    @Inject
    @ConfigProperty(name = "demo.as.issuer")
    String issuer;

    @Inject
    @ConfigProperty(name = "demo.as.audience")
    String audience;

    @Inject
    @ConfigProperty(name = "demo.as.tenant-id")
    String tenantId;

    @Inject
    @ConfigProperty(name = "demo.as.clients")
    Set<String> clients;

    @Inject
    @ConfigProperty(name = "demo.as.expired-client")
    String expiredClient;

    @Inject
    @ConfigProperty(name = "demo.client.secret")
    String clientSecret;

    @Inject
    @ConfigProperty(name = "demo.as.token-lifetime", defaultValue = "PT5M")
    Duration lifetime;

    private final Clock clock = Clock.systemUTC();

    @POST
    @Path("/imf-authserver/authorization/v1/apps/{tenantId}/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response mcaToken(@PathParam("tenantId") String tenant,
                             @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             MultivaluedMap<String, String> form) {
        if (!tenantId.equals(tenant)) {
            return error(Response.Status.NOT_FOUND, "invalid_request", "unknown tenant");
        }
        return token(basicCredentials(authorization, false), form);
    }

    @POST
    @Path("/oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response standardToken(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                  MultivaluedMap<String, String> form) {
        String[] credentials = authorization != null ? basicCredentials(authorization, true)
                : new String[] {form.getFirst("client_id"), form.getFirst("client_secret")};
        return token(credentials, form);
    }

    @GET
    @Path("/jwks")
    @Produces(MediaType.APPLICATION_JSON)
    public String jwks() {
        return signingKey.publicJwks();
    }

    @GET
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> stats() {
        return stats.snapshot();
    }

    private Response token(String[] credentials, MultivaluedMap<String, String> form) {
        if (!"client_credentials".equals(form.getFirst("grant_type"))) {
            return error(Response.Status.BAD_REQUEST, "unsupported_grant_type", "only client_credentials");
        }
        if (credentials == null || credentials[0] == null || !clients.contains(credentials[0])
                || !constantTimeEquals(credentials[1], clientSecret)) {
            LOG.info("demo authorization server: rejected client credentials");
            return error(Response.Status.UNAUTHORIZED, "invalid_client", "client authentication failed");
        }
        String clientId = credentials[0];
        stats.count(clientId);
        Instant now = clock.instant();
        Duration tokenLifetime = clientId.equals(expiredClient) ? Duration.ofMinutes(-1) : lifetime;
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(clientId)
                .claim("upn", clientId)
                .claim("groups", List.of("notes.read"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tokenLifetime)))
                .jwtID(UUID.randomUUID().toString());
        String scope = form.getFirst("scope");
        if (scope != null) {
            claims.claim("scope", scope);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", signingKey.sign(claims.build()));
        body.put("token_type", "Bearer");
        body.put("expires_in", Math.max(0, tokenLifetime.toSeconds()));
        if (scope != null) {
            body.put("scope", scope);
        }
        return Response.ok(body).header("Cache-Control", "no-store").build();
    }

    private static String[] basicCredentials(String authorization, boolean formEncoded) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        return formEncoded
                ? new String[] {URLDecoder.decode(id, StandardCharsets.UTF_8), URLDecoder.decode(secret, StandardCharsets.UTF_8)}
                : new String[] {id, secret};
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Response error(Response.Status status, String error, String description) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", error, "error_description", description));
        if (status == Response.Status.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"demo-as\"");
        }
        return response.build();
    }
}
