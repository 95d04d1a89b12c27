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
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Review: two requests in flight when the service starts asking for a (new) DPoP nonce. */
class DPoPNonceRaceTest {

    private static final String CLIENT_ID = "dpop-client";
    private static final String SECRET = "dpop-client-secret-7c1";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final DPoPVerifier verifier = new DPoPVerifier(clock);
    private final Client client = ClientBuilder.newClient();
    // both first requests are at the service before either is answered
    private final CountDownLatch bothArrived = new CountDownLatch(2);

    @AfterEach
    void close() {
        client.close();
    }

    private Reply tokenEndpoint(Received request) {
        verifier.verify(request.header("DPoP"), "POST", server.uri("/token"), null);
        return Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}");
    }

    private Reply service(Received request) {
        String token = request.header("Authorization").substring("DPoP ".length());
        DPoPVerifier.Proof proof = verifier.verify(request.header("DPoP"), request.method, server.uri(request.path), token);
        bothArrived.countDown();
        try {
            bothArrived.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!"n-1".equals(proof.nonce)) {
            return Reply.of(401, null, new byte[0], Map.of("WWW-Authenticate",
                    "DPoP error=\"use_dpop_nonce\"", "DPoP-Nonce", "n-1"));
        }
        return Reply.json(200, "{\"ok\":true}");
    }

    private List<Integer> twoConcurrentGets(Client filtered) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(threads.submit(() -> {
                    try (Response r = filtered.target(server.uri("/api/notes")).request().get()) {
                        return r.getStatus();
                    }
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get(20, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void bothConcurrentCallersSucceedWhenTheServiceAsksForANonce() throws Exception {
        server.respond(this::tokenEndpoint);
        server.respondApi(this::service);
        TokenProvider tokens = fixture.cache().provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId(CLIENT_ID).clientSecret(SECRET).dpop(true).build());
        tokens.token();
        Client filtered = client.register(new OAuthClientFilter(tokens));

        List<Integer> statuses = twoConcurrentGets(filtered);

        assertThat(statuses).containsExactly(200, 200);
    }

    @Test
    void aNonceChallengeRacingAnotherDoesNotDropAGoodToken() throws Exception {
        server.respond(this::tokenEndpoint);
        server.respondApi(this::service);
        TokenProvider tokens = fixture.cache().provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId(CLIENT_ID).clientSecret(SECRET).dpop(true).build());
        tokens.token();
        clock.advance(Duration.ofMinutes(2)); // the token is no longer "just issued"
        Client filtered = client.register(new OAuthClientFilter(tokens));

        List<Integer> statuses = twoConcurrentGets(filtered);

        assertThat(server.tokenRequestCount()).as("a nonce challenge is no reason for a new token").isEqualTo(1);
    }
}
