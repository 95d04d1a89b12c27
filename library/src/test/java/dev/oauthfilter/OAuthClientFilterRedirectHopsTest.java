package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes along on each redirect hop the filter follows itself: the application's headers, cookies and proxy
 * credentials only within the origin, entity headers only with the entity, the client's connection properties and
 * providers; where a relative {@code Location} of a later hop leads; what the caller gets when a hop cannot be made;
 * and which requests are followed at all. A Jersey client against in-JVM servers.
 */
class OAuthClientFilterRedirectHopsTest {

    private static final String CLIENT_ID = "hops";
    private static final String SECRET = "hops-secret-6c1f";
    private static final String OWN_AUTHORIZATION = "Basic aG9wczpvd24tY3JlZGVudGlhbHM=";
    private static final String PROXY_AUTHORIZATION = "Basic cHJveHk6cHJveHktcGFzc3dvcmQ=";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(OWN_AUTHORIZATION.substring("Basic ".length())),
            Forbidden.token(PROXY_AUTHORIZATION.substring("Basic ".length())));
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer otherOrigin = fixture.newServer();
    private final TokenCache cache = fixture.cache();
    private final LogCapture logs = fixture.logs();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET)
                .maxAttempts(1);
    }

    private Client filtered(OAuthClientConfig config) {
        return client.register(new OAuthClientFilter(cache.provider(config)));
    }

    private Client filtered() {
        return filtered(config().build());
    }

    private static Reply redirect(int status, String location) {
        return Reply.of(status, null, new byte[0], Map.of("Location", location));
    }

    private static List<String> requests(List<Received> received) {
        return received.stream().map(r -> r.method + " " + r.path).toList();
    }

    private String bearer() {
        return "Bearer " + server.issuedTokens().get(0);
    }

    @Test
    void theApplicationsHeadersGoAlongOnEveryHopWithAllTheirValues() {
        server.respondApi(r -> r.path.equals("/api/start") ? redirect(302, otherOrigin.uri("/api/landing").toString())
                : Reply.json(200, "{}"));

        try (Response response = filtered().target(server.uri("/api/start")).request()
                .header("X-Trace", "t-1").header("Accept", "application/json").header("Accept", "text/plain").get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        Received landed = otherOrigin.apiRequests().get(0);
        assertThat(landed.header("X-Trace")).isEqualTo("t-1");
        assertThat(String.join(",", landed.headers.get("Accept"))).contains("application/json").contains("text/plain");
    }

    @Test
    void cookiesAndProxyCredentialsFollowRedirectsWithinTheOriginButNeverToAnotherOne() {
        server.respondApi(r -> r.path.equals("/api/start") ? redirect(302, "/api/same")
                : redirect(302, otherOrigin.uri("/api/landing").toString()));
        otherOrigin.respondApi(r -> Reply.json(200, "{}"));

        try (Response response = filtered().target(server.uri("/api/start")).request()
                .header("Cookie", "session=s-1").header("Proxy-Authorization", PROXY_AUTHORIZATION).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        Received same = server.apiRequests().get(1);
        assertThat(same.path).isEqualTo("/api/same");
        assertThat(same.header("Cookie")).isEqualTo("session=s-1");
        assertThat(same.header("Proxy-Authorization")).isEqualTo(PROXY_AUTHORIZATION);
        assertThat(same.header("Authorization")).isEqualTo(bearer());
        Received elsewhere = otherOrigin.apiRequests().get(0);
        assertThat(elsewhere.header("Cookie")).as("a cookie is a credential of its origin").isNull();
        assertThat(elsewhere.header("Proxy-Authorization")).isNull();
        assertThat(elsewhere.header("Authorization")).isNull();
    }

    @Test
    void aRelativeLocationOfALaterHopIsResolvedAgainstThatHop() {
        server.respondApi(r -> switch (r.path) {
            case "/api/one/start" -> redirect(302, "/api/two/middle");
            case "/api/two/middle" -> redirect(302, "end");
            default -> Reply.json(200, "{\"at\":\"" + r.path + "\"}");
        });

        try (Response response = filtered().target(server.uri("/api/one/start")).request().get()) {
            assertThat(response.readEntity(String.class)).isEqualTo("{\"at\":\"/api/two/end\"}");
        }
        assertThat(requests(server.apiRequests()))
                .containsExactly("GET /api/one/start", "GET /api/two/middle", "GET /api/two/end");
    }

    @Test
    void aLocationWithSurroundingBlanksIsFollowed() {
        server.respondApi(r -> r.path.equals("/api/old") ? redirect(302, "  /api/new  ") : Reply.json(200, "{}"));

        try (Response response = filtered().target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(requests(server.apiRequests())).containsExactly("GET /api/old", "GET /api/new");
    }

    @Test
    void aStreamedPostRedirectedBy303IsFollowedAsAGetAndAFurther307KeepsThatGet() {
        server.respondApi(r -> switch (r.path) {
            case "/api/upload" -> redirect(303, "/api/status");
            case "/api/status" -> redirect(307, "/api/status/1");
            default -> Reply.json(200, "{\"done\":true}");
        });

        try (Response response = filtered().target(server.uri("/api/upload")).request()
                .post(Entity.entity(new ByteArrayInputStream("stream".getBytes(StandardCharsets.UTF_8)),
                        MediaType.APPLICATION_OCTET_STREAM))) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"done\":true}");
        }

        assertThat(requests(server.apiRequests()))
                .containsExactly("POST /api/upload", "GET /api/status", "GET /api/status/1");
        assertThat(server.apiRequests().get(2).body).isEmpty();
        assertThat(server.apiRequests().get(2).header("Content-Type")).isNull();
    }

    @Test
    void a307OfAGetIsFollowedWithoutABody() {
        server.respondApi(r -> r.path.equals("/api/a") ? redirect(307, "/api/b") : Reply.json(200, "{}"));

        try (Response response = filtered().target(server.uri("/api/a")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(requests(server.apiRequests())).containsExactly("GET /api/a", "GET /api/b");
        assertThat(server.apiRequests().get(1).header("Authorization")).isEqualTo(bearer());
    }

    @Test
    void aRedirectWithinTheOriginButOutsideTheAllowedBaseCarriesNoToken() {
        server.respondApi(r -> r.path.equals("/api/notes/1") ? redirect(302, "/api/admin") : Reply.json(200, "{}"));
        Client filtered = filtered(config().allowedHost(server.uri("/api/notes").toString()).build());

        filtered.target(server.uri("/api/notes/1")).request().get().close();

        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/notes/1", "/api/admin");
        assertThat(server.apiRequests().get(0).header("Authorization")).isEqualTo(bearer());
        assertThat(server.apiRequests().get(1).header("Authorization")).isNull();
    }

    @Test
    void aRedirectOfARequestThatGotNoTokenIsFollowedAndSaysSo() {
        server.respondApi(r -> r.path.equals("/api/moved") ? redirect(302, "/api/new") : Reply.json(200, "{}"));
        Client filtered = filtered(config().allowedHost("api.example.com").build());

        try (Response response = filtered.target(server.uri("/api/moved")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        assertThat(requests(server.apiRequests())).containsExactly("GET /api/moved", "GET /api/new");
        assertThat(server.apiRequests()).allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
        assertThat(server.tokenRequestCount()).isZero();
        assertThat(logs.lines()).anyMatch(l -> l.contains("following 302 to 127.0.0.1 without the token"));
    }

    @Test
    void aBlankAuthorizationHeaderOfTheApplicationIsReplacedByTheToken() {
        filtered().target(server.uri("/api/notes")).request().header("Authorization", " ").get().close();

        assertThat(server.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.headers.get("Authorization")).containsExactly(bearer()));
    }

    @Test
    void a401ToTheApplicationsOwnAuthorizationGoesToTheCallerWithoutAReplay() {
        server.respondApi(r -> Reply.json(401, "{\"error\":\"own credentials refused\"}"));

        try (Response response = filtered().target(server.uri("/api/notes")).request()
                .header("Authorization", OWN_AUTHORIZATION).get()) {
            assertThat(response.getStatus()).isEqualTo(401);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"error\":\"own credentials refused\"}");
        }
        assertThat(server.apiRequests()).hasSize(1);
        assertThat(server.tokenRequestCount()).isZero();
    }

    @Test
    void aRedirectGoesToTheCallerWhenTheRequestItselfTurnedRedirectsOff() {
        server.respondApi(r -> redirect(302, "/api/new"));

        try (Response response = filtered().target(server.uri("/api/old")).request()
                .property("jersey.config.client.followRedirects", false).get()) {
            assertThat(response.getStatus()).isEqualTo(302);
        }
        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/old");
    }

    @Test
    void redirectsTurnedOffByAStringPropertyAreNotFollowedEither() {
        server.respondApi(r -> redirect(302, otherOrigin.uri("/api/x").toString()));
        Client filtered = filtered().property("jersey.config.client.followRedirects", "false");

        try (Response response = filtered.target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(302);
        }
        assertThat(otherOrigin.apiRequests()).isEmpty();
    }

    @Test
    void theCallerSeesTheStatusHeadersAndBodyOfTheFinalAnswerOnly() {
        server.respondApi(r -> r.path.equals("/api/old")
                ? Reply.of(302, "text/plain", "moved".getBytes(StandardCharsets.UTF_8),
                        Map.of("Location", "/api/new", "X-Hop", "first"))
                : Reply.of(203, "application/json", "{\"final\":true}".getBytes(StandardCharsets.UTF_8),
                        Map.of("X-Final", "yes")));

        try (Response response = filtered().target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(203);
            assertThat(response.getHeaderString("X-Final")).isEqualTo("yes");
            assertThat(response.getHeaderString("X-Hop")).isNull();
            assertThat(response.getHeaderString("Location")).isNull();
            assertThat(response.getMediaType().toString()).startsWith("application/json");
            assertThat(response.readEntity(String.class)).isEqualTo("{\"final\":true}");
        }
    }

    @Test
    void aFinalAnswerWithoutABodyReachesTheCallerAsAnEmptyBody() {
        server.respondApi(r -> r.path.equals("/api/old") ? redirect(302, "/api/new")
                : Reply.of(204, null, new byte[0], Map.of("X-Final", "empty")));

        try (Response response = filtered().target(server.uri("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(204);
            assertThat(response.getHeaderString("X-Final")).isEqualTo("empty");
            assertThat(response.readEntity(String.class)).isEmpty();
        }
    }

    @Test
    void whenARedirectTargetCannotBeReachedTheCallerGetsTheRedirect() {
        try (ReservedPort closed = new ReservedPort()) {
            server.respondApi(r -> redirect(307, "http://127.0.0.1:" + closed.port() + "/api/gone"));

            try (Response response = filtered().target(server.uri("/api/notes")).request().get()) {
                assertThat(response.getStatus()).isEqualTo(307);
                assertThat(response.getHeaderString("Location")).endsWith("/api/gone");
            }
        }
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("FINE") && l.contains("(ProcessingException)")
                && l.contains("returning the original 307"));
    }

    /** An application filter that shows what its client's configuration says, on the wire. */
    public static final class PropertyEcho implements ClientRequestFilter {
        @Override
        public void filter(ClientRequestContext request) {
            Object timeout = request.getConfiguration().getProperty("jersey.config.client.readTimeout");
            request.getHeaders().putSingle("X-Read-Timeout", timeout + "@" + request.getUri().getPath());
        }
    }

    @Test
    void aHopGoesThroughAClientWithTheApplicationsConnectionPropertiesAndFilterClass() {
        server.respondApi(r -> r.path.equals("/api/old") ? redirect(302, "/api/new") : Reply.json(200, "{}"));
        Client filtered = filtered().property("jersey.config.client.readTimeout", 4321)
                .property("unrelated.setting", "not copied").register(PropertyEcho.class);

        filtered.target(server.uri("/api/old")).request().get().close();

        assertThat(server.apiRequests()).extracting(r -> r.header("X-Read-Timeout"))
                .containsExactly("4321@/api/old", "4321@/api/new");
    }

    @Test
    void aHopGoesThroughAClientWithTheApplicationsFilterInstance() {
        server.respondApi(r -> r.path.equals("/api/old") ? redirect(302, "/api/new") : Reply.json(200, "{}"));
        Client filtered = filtered().property("jersey.config.client.readTimeout", 1234).register(new PropertyEcho());

        filtered.target(server.uri("/api/old")).request().get().close();

        assertThat(server.apiRequests()).extracting(r -> r.header("X-Read-Timeout"))
                .containsExactly("1234@/api/old", "1234@/api/new");
    }
}
