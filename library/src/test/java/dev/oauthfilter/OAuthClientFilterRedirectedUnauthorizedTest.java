package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 401 that the service sends after a same-origin redirect the filter followed (a hop that carried the client's
 * token) drops the token and replays the request once, as a 401 to the first request does; before, a revoked token
 * kept being sent, and refused, until it expired.
 */
class OAuthClientFilterRedirectedUnauthorizedTest {

    private static final String CLIENT_ID = "redirected-401";
    private static final String SECRET = "redirected-401-secret-5f";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    /** A client whose first token worked once and then was revoked. */
    private Client withRevokedToken() {
        Client filtered = client.register(new OAuthClientFilter(fixture.cache().provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));
        // the service normalises its paths with a redirect, and accepts only the newest token the server issued
        server.respondApi(r -> {
            if (r.path.equals("/api/notes")) {
                return Reply.of(301, null, new byte[0], Map.of("Location", "/api/notes/"));
            }
            List<String> issued = server.issuedTokens();
            return ("Bearer " + issued.get(issued.size() - 1)).equals(r.header("Authorization"))
                    ? Reply.json(200, "{\"notes\":[]}") : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
        try (Response warm = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(warm.getStatus()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(1));
        server.newToken(); // the authorization server revokes the first token
        return filtered;
    }

    @Test
    void aTokenRefusedAfterASameOriginRedirectIsDroppedAndTheRequestReplayedWithANewOne() {
        Client filtered = withRevokedToken();

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).as("replayed once with a new token").isEqualTo(200);
        }
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aTokenRefusedAfterASameOriginRedirectIsAtLeastNotSentAgain() {
        Client filtered = withRevokedToken();
        filtered.target(server.uri("/api/notes")).request().get().close();

        try (Response next = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(next.getStatus()).as("the next request gets a new token").isEqualTo(200);
        }
    }

    @Test
    void whenNoNewTokenCanBeHadTheCallerGetsThe401TheRedirectEndedWith() {
        Client filtered = withRevokedToken();
        server.respond(r -> Reply.json(400, "{\"error\":\"invalid_client\"}"));

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).as("the 401 the followed redirect ended with").isEqualTo(401);
        }
    }

    @Test
    void aTokenIsNotDroppedForA401FromAnotherOriginItWasNeverSentTo() {
        Client filtered = client.register(new OAuthClientFilter(fixture.cache().provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));
        // the service sends /api/notes to another origin, which refuses any request without a token
        server.respondApi(r -> r.path.equals("/api/notes")
                ? Reply.of(302, null, new byte[0], Map.of("Location", server.uriByName("/api/elsewhere").toString()))
                : r.header("Authorization") == null ? Reply.json(401, "{\"error\":\"invalid_token\"}")
                : Reply.json(200, "{}"));
        try (Response warm = filtered.target(server.uri("/api/warm")).request().get()) {
            assertThat(warm.getStatus()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(1));

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).as("the other origin's 401").isEqualTo(401);
        }
        filtered.target(server.uri("/api/warm")).request().get().close();

        assertThat(server.tokenRequestCount()).as("the token, never sent to the other origin, was kept").isEqualTo(1);
    }
}
