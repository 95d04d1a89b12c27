package dev.oauthfilter;

import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 401 replay is the request again: every header it had goes along (but its Authorization, replaced by the new
 * token), its {@code Content-*} headers too when it has no entity (found by a review of the follow-up loop, which sent
 * them only with an entity).
 */
class OAuthClientFilterReplayHeadersTest {

    private static final String CLIENT_ID = "replay-headers";
    private static final String SECRET = "replay-headers-secret-31";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void theReplayOfABodilessRequestCarriesTheSameHeadersAsTheRequest() {
        Client filtered = client.register(new OAuthClientFilter(fixture.cache().provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        server.respondApi(r -> {
            List<String> issued = server.issuedTokens();
            return ("Bearer " + issued.get(issued.size() - 1)).equals(r.header("Authorization"))
                    ? Reply.json(200, "{}") : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });

        try (Response response = filtered.target(server.uri("/api/notes")).request()
                .header("Content-Language", "de").header("X-Trace", "t1").get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        List<Received> api = server.apiRequests();
        Received refused = api.get(api.size() - 2);
        Received replay = api.get(api.size() - 1);
        assertThat(refused.header("Content-Language")).isEqualTo("de");
        assertThat(replay.header("X-Trace")).isEqualTo("t1");
        assertThat(replay.header("Content-Language")).as("the replay's Content-Language").isEqualTo("de");
    }
}
