package dev.oauthfilter.runtimes.probe;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RFC 8693 token endpoint and a service: the endpoint exchanges a subject token for a token of
 * the requested audience (and counts the exchanges per subject token); the service records the Authorization header
 * of each call per id.
 */
@Path("/exchange")
public class ExchangeResource {

    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final Map<String, AtomicInteger> EXCHANGES = new ConcurrentHashMap<>();
    private static final Map<String, List<String>> RECEIVED = new ConcurrentHashMap<>();

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@FormParam("grant_type") String grantType, @FormParam("subject_token") String subject,
                          @FormParam("audience") String audience) {
        if (!TOKEN_EXCHANGE.equals(grantType) || subject == null || audience == null) {
            return Response.status(400).entity("{\"error\":\"invalid_request\"}").build();
        }
        EXCHANGES.computeIfAbsent(subject, key -> new AtomicInteger()).incrementAndGet();
        return Response.ok("{\"access_token\":\"exchanged-for-" + audience + "-" + UUID.randomUUID()
                + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                + "\"token_type\":\"Bearer\",\"expires_in\":300}").build();
    }

    @GET
    @Path("/service/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String service(@PathParam("id") String id, @HeaderParam("Authorization") String authorization) {
        RECEIVED.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(String.valueOf(authorization));
        return "ok";
    }

    @GET
    @Path("/received/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String received(@PathParam("id") String id) {
        return String.join(",", RECEIVED.getOrDefault(id, List.of()));
    }

    @GET
    @Path("/exchanges/{subject}")
    @Produces(MediaType.TEXT_PLAIN)
    public String exchanges(@PathParam("subject") String subject) {
        return String.valueOf(EXCHANGES.getOrDefault(subject, new AtomicInteger()).get());
    }
}
