package dev.oauthfilter.runtimes.probe;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DPoP (RFC 9449) token endpoint and a service that checks proofs as a server must: the token
 * is bound to the key of the token request's proof; the service wants {@code Authorization: DPoP}, a proof signed by
 * that key for exactly its method and URI with the token's {@code ath} and a {@code jti} never seen, and asks each
 * new id once for a nonce of its own; for an id {@code refuse-once-*} it refuses one valid proof after the first
 * success ({@code invalid_dpop_proof}). What it saw per id is at {@code /dpop/received/{id}}, fingerprints of the
 * tokens it was sent at {@code /dpop/tokens/{id}}.
 */
@Path("/dpop")
public class DPoPResource {

    private static final Map<String, String> BOUND = new ConcurrentHashMap<>();          // token -> jkt
    private static final Set<String> JTIS = ConcurrentHashMap.newKeySet();
    private static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();
    // per id, the SHA-256 prefix of each token the service was sent (never the token)
    private static final Map<String, List<String>> TOKENS = new ConcurrentHashMap<>();

    @Context
    UriInfo uriInfo;

    @POST
    @Path("/token")
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(@HeaderParam("DPoP") String proof) {
        String jkt;
        try {
            jkt = verify(proof, "POST", null, null);
        } catch (Exception e) {
            return Response.status(400).entity("{\"error\":\"invalid_dpop_proof\"}").build();
        }
        String token = "dpop-" + UUID.randomUUID();
        BOUND.put(token, jkt);
        return Response.ok("{\"access_token\":\"" + token + "\",\"token_type\":\"DPoP\",\"expires_in\":300}").build();
    }

    @GET
    @Path("/service/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response service(@PathParam("id") String id, @HeaderParam("Authorization") String authorization,
                            @HeaderParam("DPoP") String proof) {
        List<String> seen = SEEN.computeIfAbsent(id, key -> new ArrayList<>());
        if (authorization == null || !authorization.startsWith("DPoP ")) {
            seen.add("no-dpop-token");
            return Response.status(401).header("WWW-Authenticate", "DPoP algs=\"ES256\"").build();
        }
        String token = authorization.substring("DPoP ".length());
        TOKENS.computeIfAbsent(id, key -> new ArrayList<>()).add(fingerprint(token));
        String nonce = "nonce-for-" + id;
        try {
            String jkt = verify(proof, "GET", token, nonce);
            if (!jkt.equals(BOUND.get(token))) {
                seen.add("bad:key");
                return Response.status(401).build();
            }
        } catch (NonceWanted e) {
            seen.add("nonce-challenge");
            return Response.status(401).header("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"")
                    .header("DPoP-Nonce", nonce).build();
        } catch (Exception e) {
            seen.add("bad:" + e.getMessage());
            return Response.status(401).build();
        }
        if (id.startsWith("refuse-once-") && seen.contains("ok") && !seen.contains("proof-refused")) {
            // a valid proof refused once, as a server whose clock disagrees with the proof's iat would
            seen.add("proof-refused");
            return Response.status(401).header("WWW-Authenticate",
                    "DPoP algs=\"ES256\", error=\"invalid_dpop_proof\", error_description=\"iat out of range\"")
                    .build();
        }
        seen.add("ok");
        return Response.ok("ok").build();
    }

    @GET
    @Path("/tokens/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String tokens(@PathParam("id") String id) {
        return String.join(",", TOKENS.getOrDefault(id, List.of()));
    }

    private static String fingerprint(String token) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString().substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @GET
    @Path("/received/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String received(@PathParam("id") String id) {
        return String.join(",", SEEN.getOrDefault(id, List.of()));
    }

    private static final class NonceWanted extends Exception {
        NonceWanted() {
            super("nonce");
        }
    }

    /** @return the thumbprint of the proof's key, after every check of RFC 9449 §4.3 */
    private String verify(String proof, String method, String token, String nonce) throws Exception {
        if (proof == null) {
            throw new IllegalArgumentException("no-proof");
        }
        SignedJWT jwt = SignedJWT.parse(proof);
        ECKey key = (ECKey) jwt.getHeader().getJWK();
        if (!"dpop+jwt".equals(String.valueOf(jwt.getHeader().getType())) || key.isPrivate()
                || !jwt.verify(new ECDSAVerifier(key))) {
            throw new IllegalArgumentException("signature");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        String uri = uriInfo.getRequestUri().toString();
        String htu = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        if (!method.equals(claims.getStringClaim("htm")) || !htu.equals(claims.getStringClaim("htu"))) {
            throw new IllegalArgumentException("htm-htu:" + claims.getStringClaim("htu"));
        }
        if (!JTIS.add(claims.getJWTID())) {
            throw new IllegalArgumentException("jti-reused");
        }
        if (token != null) {
            String ath = Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII))).toString();
            if (!ath.equals(claims.getStringClaim("ath"))) {
                throw new IllegalArgumentException("ath");
            }
        }
        if (nonce != null && !nonce.equals(claims.getStringClaim("nonce"))) {
            throw new NonceWanted();
        }
        return key.computeThumbprint().toString();
    }
}
