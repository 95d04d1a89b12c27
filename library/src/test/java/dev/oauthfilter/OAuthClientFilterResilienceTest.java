package dev.oauthfilter;

import dev.oauthfilter.internal.clients.ConfiguredClient;

import com.sun.net.httpserver.HttpServer;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** 401 replay, allowed hosts and redirects, on a real Jersey client against real (in-JVM) HTTP servers. */
class OAuthClientFilterResilienceTest {

    private static final String SECRET = "resilience-secret-51";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer otherOrigin = fixture.newServer();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("resilient").clientSecret(SECRET);
    }

    private Client withFilter(OAuthClientConfig config) {
        return client.register(new OAuthClientFilter(cache.provider(config)));
    }

    /** The protected API accepts only the newest token the server issued. */
    private void apiAcceptsOnlyTheNewestToken() {
        server.respondApi(r -> {
            List<String> issued = server.issuedTokens();
            boolean newest = ("Bearer " + issued.get(issued.size() - 1)).equals(r.header("Authorization"));
            return newest ? Reply.json(200, "{\"ok\":true}") : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
    }

    private static List<String> authorizations(List<Received> requests) {
        return requests.stream().map(r -> String.valueOf(r.headers.get("Authorization"))).toList();
    }

    @Test
    void aGetRejectedForARevokedTokenIsReplayedOnceWithANewOne() {
        Client filtered = withFilter(config().build());
        filtered.target(server.uri("/api/notes")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken(); // the authorization server revokes the first token by issuing (and accepting) a newer one
        apiAcceptsOnlyTheNewestToken();

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"ok\":true}");
        }

        List<Received> api = server.apiRequests();
        assertThat(api).hasSize(3);
        String newest = server.issuedTokens().get(2);
        assertThat(authorizations(api.subList(1, 3)))
                .containsExactly("[Bearer " + server.issuedTokens().get(0) + "]", "[Bearer " + newest + "]");
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aPutWithAReplayableEntityIsReplayedWithTheSameBody() {
        Client filtered = withFilter(config().build());
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        apiAcceptsOnlyTheNewestToken();

        try (Response response = filtered.target(server.uri("/api/notes/1")).request()
                .put(Entity.entity("{\"text\":\"hello\"}", MediaType.APPLICATION_JSON))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        List<Received> puts = server.apiRequests().subList(1, 3);
        assertThat(puts).extracting(r -> r.method).containsExactly("PUT", "PUT");
        assertThat(puts).extracting(r -> r.body).containsExactly("{\"text\":\"hello\"}", "{\"text\":\"hello\"}");
        assertThat(puts.get(1).header("Content-Type")).startsWith("application/json");
    }

    @Test
    void aStreamedBodyIsNotReplayedAndTheCallerGetsThe401() {
        Client filtered = withFilter(config().build());
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        apiAcceptsOnlyTheNewestToken();

        try (Response response = filtered.target(server.uri("/api/upload")).request()
                .put(Entity.entity(new ByteArrayInputStream("stream".getBytes(StandardCharsets.UTF_8)),
                        MediaType.APPLICATION_OCTET_STREAM))) {
            assertThat(response.getStatus()).isEqualTo(401);
        }

        assertThat(server.apiRequests()).hasSize(2);
        assertThat(filtered.target(server.uri("/api/after")).request().get().getStatus())
                .as("the rejected token was dropped: the next request gets a new one").isEqualTo(200);
    }

    @Test
    void aPostIsNotReplayed() {
        Client filtered = withFilter(config().build());
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.respondApi(r -> Reply.json(401, "{}"));

        try (Response response = filtered.target(server.uri("/api/orders")).request()
                .post(Entity.entity("{}", MediaType.APPLICATION_JSON))) {
            assertThat(response.getStatus()).isEqualTo(401);
        }
        assertThat(server.apiRequests()).hasSize(2);
    }

    @Test
    void aSecond401GoesToTheCallerWithoutALoop() {
        Client filtered = withFilter(config().build());
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.respondApi(r -> Reply.json(401, "{\"error\":\"insufficient\"}"));

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(401);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"error\":\"insufficient\"}");
        }
        assertThat(server.apiRequests()).hasSize(3);
        assertThat(server.apiRequests().get(2).headers.get("Authorization")).hasSize(1);
    }

    @Test
    void aTokenRejectedRightAfterItWasIssuedIsNeitherDroppedNorReplayed() {
        server.respondApi(r -> Reply.json(401, "{}"));
        Client filtered = withFilter(config().build());

        for (int i = 0; i < 3; i++) {
            assertThat(filtered.target(server.uri("/api/notes")).request().get().getStatus()).isEqualTo(401);
        }
        assertThat(server.apiRequests()).hasSize(3);
        assertThat(server.tokenRequestCount()).as("no token storm for a misconfigured audience").isEqualTo(1);
    }

    @Test
    void replayCanBeSwitchedOff() {
        Client filtered = withFilter(config().retryOnUnauthorized(false).build());
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.respondApi(r -> Reply.json(401, "{}"));

        assertThat(filtered.target(server.uri("/api/notes")).request().get().getStatus()).isEqualTo(401);
        assertThat(server.apiRequests()).hasSize(2);
    }

    @Test
    void aHostOutsideTheAllowedHostsGetsNoToken() {
        Client filtered = withFilter(config().allowedHost(server.uri("/api/").toString()).build());

        filtered.target(server.uri("/api/notes")).request().get().close();
        filtered.target(server.uriByName("/api/notes")).request().get().close();
        filtered.target(server.uri("/elsewhere/api")).request().get().close();
        filtered.target(otherOrigin.uri("/api/notes")).request().get().close();

        assertThat(server.apiRequests()).hasSize(2);
        assertThat(server.apiRequests().get(0).header("Authorization")).startsWith("Bearer ");
        assertThat(server.apiRequests().get(1).header("Authorization")).as("localhost is another host").isNull();
        assertThat(otherOrigin.apiRequests()).singleElement().satisfies(r -> assertThat(r.header("Authorization")).isNull());
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("not among the client's allowed hosts"));
    }

    @Test
    void aRedirectToAnotherOriginIsFollowedWithoutTheToken() {
        server.respondApi(r -> r.path.equals("/api/moved")
                ? Reply.of(302, null, new byte[0], Map.of("Location", otherOrigin.uri("/api/landing").toString()))
                : Reply.json(200, "{}"));
        Client filtered = withFilter(config().build());

        try (Response response = filtered.target(server.uri("/api/moved")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        assertThat(server.apiRequests().get(0).header("Authorization")).startsWith("Bearer ");
        assertThat(otherOrigin.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).as("token crossed origins").isNull());
        // the JDK connector would strip the header too; others (Apache HttpClient) copy it: the filter follows
        // redirects itself so that no connector ever gets the chance
        assertThat(logs.lines()).anyMatch(l -> l.contains("following 302 to 127.0.0.1 without the token"));
    }

    @Test
    void aRedirectWithinTheOriginKeepsTheToken() {
        server.respondApi(r -> r.path.equals("/api/old")
                ? Reply.of(301, null, new byte[0], Map.of("Location", "/api/new"))
                : Reply.json(200, "{\"at\":\"new\"}"));
        Client filtered = withFilter(config().build());

        try (Response response = filtered.target(server.uri("/api/old")).request().get()) {
            assertThat(response.readEntity(String.class)).isEqualTo("{\"at\":\"new\"}");
        }

        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/old", "/api/new");
        assertThat(server.apiRequests()).allSatisfy(r -> assertThat(r.headers.get("Authorization")).hasSize(1));
        assertThat(logs.lines()).anyMatch(l -> l.contains("following 301 to 127.0.0.1 with the token"));
    }

    @Test
    void aRedirectGoesToTheApplicationThatTurnedRedirectsOff() {
        server.respondApi(r -> Reply.of(302, null, new byte[0], Map.of("Location", otherOrigin.uri("/api/x").toString())));
        Client filtered = withFilter(config().build()).property("jersey.config.client.followRedirects", false);

        assertThat(filtered.target(server.uri("/api/moved")).request().get().getStatus()).isEqualTo(302);
        assertThat(otherOrigin.apiRequests()).isEmpty();
    }

    @Test
    void aServiceThatRefusesEveryTokenGetsExactlyOneReplayEvenIfTheProviderAlwaysHasANewOne() {
        server.respondApi(r -> Reply.json(401, "{}"));
        TokenProvider cached = cache.provider(config().build());
        TokenProvider alwaysHopeful = new TokenProvider() {
            @Override
            public AccessToken token() {
                return cached.token();
            }

            @Override
            public boolean invalidate(AccessToken rejected) {
                return true;
            }
        };
        Client filtered = client.register(new OAuthClientFilter(new ConfiguredClient("hopeful",
                ClientPolicy.of(List.of(), true), alwaysHopeful, TokenStatus.UNKNOWN)));

        try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(401);
        }
        assertThat(server.apiRequests()).as("the request and one replay, no loop").hasSize(2);
    }

    @Test
    void a307OfAStreamedBodyGoesToTheCallerInsteadOfSendingAnEmptyBody() {
        server.respondApi(r -> r.path.equals("/api/upload")
                ? Reply.of(307, null, new byte[0], Map.of("Location", "/api/elsewhere"))
                : Reply.json(200, "{}"));
        Client filtered = withFilter(config().build());

        try (Response response = filtered.target(server.uri("/api/upload")).request()
                .post(Entity.entity(new ByteArrayInputStream("stream".getBytes(StandardCharsets.UTF_8)),
                        MediaType.APPLICATION_OCTET_STREAM))) {
            assertThat(response.getStatus()).isEqualTo(307);
        }
        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/upload");
    }

    @Test
    void aRedirectBackToTheOriginAfterLeavingItCarriesNoToken() {
        server.respondApi(r -> r.path.equals("/api/start")
                ? Reply.of(302, null, new byte[0], Map.of("Location", otherOrigin.uri("/api/bounce").toString()))
                : Reply.json(200, "{}"));
        otherOrigin.respondApi(r -> Reply.of(302, null, new byte[0], Map.of("Location",
                server.uri("/api/back").toString())));
        Client filtered = withFilter(config().build());

        assertThat(filtered.target(server.uri("/api/start")).request().get().getStatus()).isEqualTo(200);

        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/start", "/api/back");
        assertThat(server.apiRequests().get(1).header("Authorization")).as("after leaving the origin").isNull();
        assertThat(otherOrigin.apiRequests().get(0).header("Authorization")).isNull();
    }

    /** An entity type that only a writer the application registered on its client can write. */
    public static final class Note {
        final String text;

        public Note(String text) {
            this.text = text;
        }
    }

    public static final class NoteWriter implements MessageBodyWriter<Note> {
        @Override
        public boolean isWriteable(Class<?> type, Type generic, Annotation[] annotations, MediaType media) {
            return type == Note.class;
        }

        @Override
        public void writeTo(Note note, Class<?> type, Type generic, Annotation[] annotations, MediaType media,
                            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
            out.write(("note:" + note.text).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReplayWritesTheEntityWithTheWriterTheApplicationRegisteredOnItsClient() {
        Client filtered = withFilter(config().build()).register(NoteWriter.class);
        filtered.target(server.uri("/api/warm")).request().get().close();
        clock.advance(Duration.ofMinutes(1));
        server.newToken();
        apiAcceptsOnlyTheNewestToken();

        try (Response response = filtered.target(server.uri("/api/notes/1")).request()
                .put(Entity.entity(new Note("hi"), "application/x-note"))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(server.apiRequests().subList(1, 3)).extracting(r -> r.body).containsExactly("note:hi", "note:hi");
    }

    @Test
    void a307IsFollowedWithTheEntityWrittenByTheApplicationsWriter() {
        Client filtered = withFilter(config().build()).register(NoteWriter.class);
        server.respondApi(r -> r.path.equals("/api/a")
                ? Reply.of(307, null, new byte[0], Map.of("Location", "/api/b"))
                : Reply.json(200, "{}"));

        try (Response response = filtered.target(server.uri("/api/a")).request()
                .put(Entity.entity(new Note("hi"), "application/x-note"))) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(server.apiRequests()).extracting(r -> r.body).containsExactly("note:hi", "note:hi");
    }

    @Test
    void theAnswerOfAFollowedRedirectIsStreamedNotReadWholeFirst() throws Exception {
        CountDownLatch firstPartRead = new CountDownLatch(1);
        HttpServer streaming = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        streaming.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/moved")) {
                exchange.getResponseHeaders().add("Location", "/stream");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("first\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                // the rest only once the caller has read the first part: a filter that buffers never gets it
                firstPartRead.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("second\n".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        streaming.setExecutor(Executors.newCachedThreadPool());
        streaming.start();
        try {
            Client filtered = withFilter(config().build());
            try (Response response = filtered.target("http://127.0.0.1:" + streaming.getAddress().getPort()
                    + "/moved").request().get()) {
                BufferedReader body = new BufferedReader(new InputStreamReader(response.readEntity(InputStream.class),
                        StandardCharsets.UTF_8));
                assertThat(firstPartRead.getCount()).as("the answer arrived before its body ended").isEqualTo(1);
                assertThat(body.readLine()).isEqualTo("first");
                firstPartRead.countDown();
                assertThat(body.readLine()).isEqualTo("second");
            }
        } finally {
            firstPartRead.countDown();
            streaming.stop(0);
        }
    }
}
