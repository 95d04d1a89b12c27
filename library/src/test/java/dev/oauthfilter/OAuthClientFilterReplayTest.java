package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one replay after a 401: which requests are replayed (method, entity), what the replay carries, a replay that is
 * itself redirected, and what the caller gets when no new token can be had. A Jersey client against an in-JVM server
 * that accepts only the newest token it issued.
 */
class OAuthClientFilterReplayTest {

    private static final String CLIENT_ID = "replayed";
    private static final String SECRET = "replay-secret-0b7e";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private Client filtered() {
        return client.register(new OAuthClientFilter(cache.provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).maxAttempts(1).build())));
    }

    /**
     * A first request gets a token; a minute later the authorization server revokes it (by issuing a newer one)
     * and the API answers {@code answer} to the newest token and 401 to any other.
     */
    private Client withRevokedToken(java.util.function.Function<Received, Reply> answer) {
        Client filtered = filtered();
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        server.respondApi(r -> {
            List<String> issued = server.issuedTokens();
            return ("Bearer " + issued.get(issued.size() - 1)).equals(r.header("Authorization")) ? answer.apply(r)
                    : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
        return filtered;
    }

    private String newest() {
        return "Bearer " + server.issuedTokens().get(server.issuedTokens().size() - 1);
    }

    private List<Received> afterWarmUp() {
        List<Received> api = server.apiRequests();
        return api.subList(1, api.size());
    }

    private static Reply redirect(int status, String location) {
        return Reply.of(status, null, new byte[0], Map.of("Location", location));
    }

    @Test
    void aReplayCarriesTheNewTokenAndTheRequestsOtherHeadersAndCookies() {
        Client filtered = withRevokedToken(r -> Reply.json(200, "{\"ok\":true}"));

        try (Response response = filtered.target(server.uri("/api/notes")).request()
                .header("X-Trace", "t-7").header("Cookie", "session=s-7").get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"ok\":true}");
        }

        List<Received> sent = afterWarmUp();
        assertThat(sent).hasSize(2);
        Received replay = sent.get(1);
        assertThat(replay.headers.get("Authorization")).containsExactly(newest());
        assertThat(replay.header("X-Trace")).isEqualTo("t-7");
        assertThat(replay.header("Cookie")).isEqualTo("session=s-7");
    }

    @Test
    void aDeleteAndAHeadAreReplayedToo() {
        Client filtered = withRevokedToken(r -> Reply.of(204, null, new byte[0], Map.of()));

        assertThat(filtered.target(server.uri("/api/notes/3")).request().delete().getStatus()).isEqualTo(204);
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        assertThat(filtered.target(server.uri("/api/notes/4")).request().head().getStatus()).isEqualTo(204);

        assertThat(afterWarmUp()).extracting(r -> r.method + " " + r.path).containsExactly(
                "DELETE /api/notes/3", "DELETE /api/notes/3", "HEAD /api/notes/4", "HEAD /api/notes/4");
    }

    @Test
    void aPutWhoseEntityIsAReaderIsNotReplayed() {
        Client filtered = withRevokedToken(r -> Reply.json(200, "{}"));

        try (Response response = filtered.target(server.uri("/api/notes/1")).request()
                .put(Entity.entity(new StringReader("from a reader"), MediaType.TEXT_PLAIN))) {
            assertThat(response.getStatus()).isEqualTo(401);
        }
        assertThat(afterWarmUp()).singleElement().satisfies(r -> assertThat(r.body).isEqualTo("from a reader"));
    }

    @Test
    void aPutWhoseEntityIsStreamingOutputIsNotReplayed() {
        Client filtered = withRevokedToken(r -> Reply.json(200, "{}"));
        StreamingOutput once = out -> out.write("streamed once".getBytes(StandardCharsets.UTF_8));

        try (Response response = filtered.target(server.uri("/api/notes/1")).request()
                .put(Entity.entity(once, MediaType.APPLICATION_OCTET_STREAM))) {
            assertThat(response.getStatus()).isEqualTo(401);
        }
        assertThat(afterWarmUp()).singleElement().satisfies(r -> assertThat(r.body).isEqualTo("streamed once"));
    }

    @Test
    void aReplayThatIsRedirectedIsFollowedWithTheNewToken() {
        Client filtered = withRevokedToken(r -> r.path.equals("/api/old") ? redirect(301, "/api/new")
                : Reply.json(200, "{\"at\":\"new\"}"));

        try (Response response = filtered.target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"at\":\"new\"}");
        }

        assertThat(afterWarmUp()).extracting(r -> r.method + " " + r.path)
                .containsExactly("GET /api/old", "GET /api/old", "GET /api/new");
        assertThat(afterWarmUp().subList(1, 3)).extracting(r -> r.header("Authorization"))
                .containsExactly(newest(), newest());
    }

    @Test
    void aReplayThatIsRedirectedGoesToTheCallerWhenTheApplicationTurnedRedirectsOff() {
        Client filtered = withRevokedToken(r -> r.path.equals("/api/old") ? redirect(301, "/api/new")
                : Reply.json(200, "{}"));
        filtered.property("jersey.config.client.followRedirects", false);

        try (Response response = filtered.target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(301);
            assertThat(response.getHeaderString("Location")).isEqualTo("/api/new");
        }
        assertThat(afterWarmUp()).extracting(r -> r.path).containsExactly("/api/old", "/api/old");
    }

    @Test
    void whenNoNewTokenCanBeHadTheCallerGetsTheOriginal401() {
        Client filtered = withRevokedToken(r -> Reply.json(200, "{}"));
        server.respond(r -> Reply.json(503, "{\"error\":\"temporarily_unavailable\"}"));

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(401);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"error\":\"invalid_token\"}");
        }
        assertThat(afterWarmUp()).hasSize(1);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("(TOKEN_ENDPOINT_ERROR)")
                && l.contains("returning the original 401"));
    }

    /** The replay is the request again: a bodyless request's Content-* headers go along too (found by a review). */
    @Test
    void theReplayOfABodilessRequestCarriesTheSameHeadersAsTheRequest() {
        try (Response response = withRevokedToken(r -> Reply.json(200, "{}")).target(server.uri("/api/notes"))
                .request().header("Content-Language", "de").header("X-Trace", "t1").get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        List<Received> api = afterWarmUp();
        assertThat(api).hasSize(2);
        assertThat(api.get(0).header("Content-Language")).isEqualTo("de");
        assertThat(api.get(1).header("Authorization")).isEqualTo(newest());
        assertThat(api.get(1).header("X-Trace")).isEqualTo("t1");
        assertThat(api.get(1).header("Content-Language")).as("the replay's Content-Language").isEqualTo("de");
    }
}
