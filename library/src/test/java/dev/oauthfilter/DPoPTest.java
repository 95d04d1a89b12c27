package dev.oauthfilter;

import dev.oauthfilter.testing.DPoPVerifier;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPoP (RFC 9449) end to end against a token server and a protected service that check every proof as a server
 * must ({@link DPoPVerifier}): the token request's proof, the token bound to the key ({@code jkt}), a fresh proof
 * for every request the filter authorises, nonces of the token endpoint and of the service with one retry, new
 * proofs for a 401 replay and a redirect hop, and the programmatic API.
 */
class DPoPTest {

    private static final String CLIENT_ID = "dpop-client";
    private static final String SECRET = "dpop-client-secret-7c1";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final DPoPVerifier verifier = new DPoPVerifier(clock);
    private final Map<String, String> boundTo = new ConcurrentHashMap<>();   // token -> jkt
    private final AtomicReference<String> tokenEndpointNonce = new AtomicReference<>();
    private final AtomicReference<String> serviceNonce = new AtomicReference<>();
    private final AtomicInteger nonceChallenges = new AtomicInteger();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET)
                .dpop(true);
    }

    /** A token endpoint that binds its tokens to the key of the request's proof, asking for its nonce if set. */
    private Reply tokenEndpoint(Received request) {
        DPoPVerifier.Proof proof = verifier.verify(request.header("DPoP"), "POST", server.uri("/token"), null);
        String nonce = tokenEndpointNonce.get();
        if (nonce != null && !nonce.equals(proof.nonce)) {
            nonceChallenges.incrementAndGet();
            return Reply.of(400, "application/json", "{\"error\":\"use_dpop_nonce\"}".getBytes(),
                    Map.of("DPoP-Nonce", nonce));
        }
        String token = server.newToken();
        boundTo.put(token, proof.jkt);
        return Reply.json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}");
    }

    /** A service that accepts the newest token, sent as DPoP with a proof of the key it is bound to. */
    private Reply service(Received request) {
        String authorization = request.header("Authorization");
        List<String> issued = server.issuedTokens();
        String newest = issued.get(issued.size() - 1);
        if (authorization == null || !authorization.startsWith("DPoP ")) {
            return Reply.of(401, null, new byte[0], Map.of("WWW-Authenticate", "DPoP algs=\"ES256\""));
        }
        String token = authorization.substring("DPoP ".length());
        DPoPVerifier.Proof proof = verifier.verify(request.header("DPoP"), request.method,
                server.uri(request.path), token);
        String nonce = serviceNonce.get();
        if (nonce != null && !nonce.equals(proof.nonce)) {
            nonceChallenges.incrementAndGet();
            return Reply.of(401, null, new byte[0], Map.of("WWW-Authenticate",
                    "DPoP error=\"use_dpop_nonce\", error_description=\"a nonce is required\"", "DPoP-Nonce", nonce));
        }
        if (!token.equals(newest) || !proof.jkt.equals(boundTo.get(token))) {
            return Reply.of(401, null, new byte[0], Map.of("WWW-Authenticate", "DPoP error=\"invalid_token\""));
        }
        return Reply.json(200, "{\"ok\":true}");
    }

    private Client filtered(OAuthClientConfig config) {
        server.respond(this::tokenEndpoint);
        server.respondApi(this::service);
        return client.register(new OAuthClientFilter(fixture.cache().provider(config)));
    }

    private static int status(Response response) {
        try (response) {
            return response.getStatus();
        }
    }

    @Test
    void everyRequestCarriesTheBoundTokenAndAProofOfItsOwn() {
        Client filtered = filtered(config().build());

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(status(filtered.target(server.uri("/api/notes/7")).queryParam("view", "full").request().get()))
                .as("htu without the query").isEqualTo(200);
        assertThat(status(filtered.target(server.uri("/api/notes")).request().post(Entity.json("{}"))))
                .as("htm POST").isEqualTo(200);

        assertThat(server.tokenRequestCount()).isEqualTo(1);
        assertThat(server.apiRequests()).allSatisfy(r -> assertThat(r.header("Authorization")).startsWith("DPoP "));
        // one proof for the token request and one per service request, every jti different (the verifier checks)
        assertThat(verifier.proofsSeen()).isEqualTo(4);
    }

    @Test
    void theTokenEndpointsNonceIsTakenWithOneMoreRequestAndRemembered() {
        tokenEndpointNonce.set("server-nonce-1");
        TokenProvider tokens = fixture.cache().provider(config().build());
        server.respond(this::tokenEndpoint);

        AccessToken first = tokens.token();
        assertThat(first.isDPoP()).isTrue();
        assertThat(server.tokenRequestCount()).as("one refused for want of the nonce, one with it").isEqualTo(2);

        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.invalidate(first)).isTrue();
        tokens.token();
        assertThat(server.tokenRequestCount()).as("the next token request carries the nonce at once").isEqualTo(3);
        assertThat(nonceChallenges.get()).isEqualTo(1);
    }

    @Test
    void aTokenEndpointThatKeepsAskingForANonceIsAskedTwiceOnly() {
        AtomicInteger counter = new AtomicInteger();
        server.respond(request -> Reply.of(400, "application/json", "{\"error\":\"use_dpop_nonce\"}".getBytes(),
                Map.of("DPoP-Nonce", "nonce-" + counter.incrementAndGet())));
        TokenProvider tokens = fixture.cache().provider(config().maxAttempts(1).build());

        assertThatThrownBy(tokens::token).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.oauthError()).contains("use_dpop_nonce"));
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aServicesNonceIsTakenWithOneMoreRequestAndTheTokenKept() {
        serviceNonce.set("service-nonce-1");
        Client filtered = filtered(config().build());

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(server.apiRequests()).hasSize(2);
        assertThat(nonceChallenges.get()).isEqualTo(1);
        assertThat(server.tokenRequestCount()).as("the token was not dropped").isEqualTo(1);

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(server.apiRequests()).as("the nonce is remembered for the origin").hasSize(3);
    }

    @Test
    void aRefusedTokenIsReplacedAndTheReplayHasANewProof() {
        Client filtered = filtered(config().build());
        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        server.newToken(); // the first token is revoked: the service accepts only the newest

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedProofIsReturnedAndTheTokenKept() {
        Client filtered = filtered(config().build());
        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        server.respondApi(request -> Reply.of(401, null, new byte[0], Map.of("WWW-Authenticate",
                "DPoP algs=\"ES256\", error=\"invalid_dpop_proof\", error_description=\"iat out of range\"")));

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(401);
        assertThat(server.apiRequests()).as("no replay: a new proof would be judged alike").hasSize(2);
        server.respondApi(this::service);
        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(server.tokenRequestCount()).as("the token was kept").isEqualTo(1);
    }

    @Test
    void aSameOriginRedirectHopHasAProofForItsOwnTarget() {
        Client filtered = filtered(config().build());
        server.respondApi(request -> request.path.equals("/api/old")
                ? Reply.of(307, null, new byte[0], Map.of("Location", "/api/new")) : service(request));

        assertThat(status(filtered.target(server.uri("/api/old")).request().get())).isEqualTo(200);
        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/old", "/api/new");
    }

    @Test
    void programmaticCallersGetBothHeadersForOneRequest() throws Exception {
        server.respond(this::tokenEndpoint);
        server.respondApi(this::service);
        TokenProvider tokens = fixture.cache().provider(config().build());
        URI uri = server.uri("/api/notes");

        RequestAuthorization authorization = tokens.authorization("GET", uri);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        authorization.headers().forEach(request::header);
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(authorization.headers()).containsOnlyKeys("Authorization", "DPoP");
        assertThat(authorization.toString()).doesNotContain(authorization.token().value())
                .doesNotContain(authorization.dpopProof().orElseThrow());
        assertThatThrownBy(tokens::authorizationHeader).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SETTING));
    }

    @Test
    void aDPoPTokenForAClientWithoutDPoPIsRefused() {
        server.respond(request -> Reply.json(200, "{\"access_token\":\"" + server.newToken()
                + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}"));
        TokenProvider tokens = fixture.cache().provider(config().dpop(false).maxAttempts(1).build());

        assertThatThrownBy(tokens::token).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_TOKEN_RESPONSE));
        assertThat(server.tokenRequests().get(0).header("DPoP")).as("no proof without DPoP").isNull();
    }

    @Test
    void aServerThatIgnoresDPoPGivesBearerTokensSentWithoutProofs() {
        server.respondApi(request -> Reply.json(200, "{}"));
        Client filtered = client.register(new OAuthClientFilter(fixture.cache().provider(config().build())));

        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);
        assertThat(status(filtered.target(server.uri("/api/notes")).request().get())).isEqualTo(200);

        assertThat(server.apiRequests()).allSatisfy(r -> {
            assertThat(r.header("Authorization")).startsWith("Bearer ");
            assertThat(r.header("DPoP")).isNull();
        });
        assertThat(fixture.logs().lines()).filteredOn(line -> line.contains("ignores DPoP")).hasSize(1);
    }

    @Test
    void tokensOfDPoPAndBearerClientsAreNotShared() {
        server.respond(this::tokenEndpoint);
        TokenProvider dpop = fixture.cache().provider(config().build());
        server.issueTokensLasting(3600);
        TokenProvider bearer = fixture.cache().provider(config().dpop(false).build());

        assertThat(bearer.token().isDPoP()).isFalse();
        server.respond(this::tokenEndpoint);
        assertThat(dpop.token().isDPoP()).isTrue();
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }
}
