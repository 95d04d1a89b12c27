package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects followed by the filter itself, on a real Jersey client against real (in-JVM) servers: at most five hops,
 * a redirect that cannot be followed goes to the caller, the method after 301/302/303 and 307/308, and the
 * application's own {@code Authorization} header kept within the origin and dropped once a hop leaves it.
 */
class OAuthClientFilterRedirectTest {

    private static final String CLIENT_ID = "redirected";
    private static final String SECRET = "redirect-secret-d41d";
    private static final String OWN_AUTHORIZATION = "Basic YXBwbGljYXRpb246b3duLWNyZWRlbnRpYWxz";
    private static final Pattern HOP = Pattern.compile("/api/hop/(\\d+)");

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(OWN_AUTHORIZATION.substring("Basic ".length())));
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer otherOrigin = fixture.newServer();
    private final TokenCache cache = fixture.cache();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private Client filtered() {
        return client.register(new OAuthClientFilter(cache.provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));
    }

    private static Reply redirect(int status, String location) {
        return Reply.of(status, null, new byte[0], location == null ? Map.of() : Map.of("Location", location));
    }

    /** {@code /api/hop/n} redirects to {@code /api/hop/n+1} until {@code last}, which answers 200. */
    private void redirectChainEndingAt(int last) {
        server.respondApi(r -> {
            Matcher hop = HOP.matcher(r.path);
            if (!hop.matches()) {
                return Reply.json(404, "{}");
            }
            int n = Integer.parseInt(hop.group(1));
            return n >= last ? Reply.json(200, "{\"hop\":" + n + "}") : redirect(302, "/api/hop/" + (n + 1));
        });
    }

    private static List<String> paths(List<Received> requests) {
        return requests.stream().map(r -> r.path).toList();
    }

    @Test
    void fiveRedirectsInARowAreFollowed() {
        redirectChainEndingAt(5);

        try (Response response = filtered().target(server.uri("/api/hop/0")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"hop\":5}");
        }
        assertThat(paths(server.apiRequests())).containsExactly("/api/hop/0", "/api/hop/1", "/api/hop/2",
                "/api/hop/3", "/api/hop/4", "/api/hop/5");
    }

    @Test
    void aSixthRedirectIsNotFollowedAndTheCallerGetsTheLastOne() {
        redirectChainEndingAt(Integer.MAX_VALUE);

        try (Response response = filtered().target(server.uri("/api/hop/0")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(302);
            assertThat(response.getHeaderString("Location")).isEqualTo("/api/hop/6");
        }
        assertThat(server.apiRequests()).as("the request and five hops").hasSize(6);
        assertThat(server.apiRequests().get(5).path).isEqualTo("/api/hop/5");
    }

    @Test
    void aRedirectWithoutLocationGoesToTheCaller() {
        server.respondApi(r -> redirect(302, null));

        try (Response response = filtered().target(server.uri("/api/nowhere")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(302);
        }
        assertThat(server.apiRequests()).hasSize(1);
    }

    @Test
    void aRedirectWithoutLocationAfterAHopGoesToTheCallerAsThatHopsAnswer() {
        server.respondApi(r -> r.path.equals("/api/first") ? redirect(301, "/api/second")
                : Reply.of(307, "application/json", "{\"at\":\"second\"}".getBytes(StandardCharsets.UTF_8), Map.of()));

        try (Response response = filtered().target(server.uri("/api/first")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(307);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"at\":\"second\"}");
        }
        assertThat(paths(server.apiRequests())).containsExactly("/api/first", "/api/second");
    }

    @ParameterizedTest(name = "Location: {0}")
    @ValueSource(strings = {"http://[broken", "   ", "mailto:someone@example.com", "http:///no-host"})
    void aRedirectToAnUnusableLocationGoesToTheCaller(String location) {
        server.respondApi(r -> redirect(302, location));

        try (Response response = filtered().target(server.uri("/api/moved")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(302);
        }
        assertThat(server.apiRequests()).hasSize(1);
        assertThat(otherOrigin.apiRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 303})
    void aPostRedirectedBy301302Or303IsFollowedAsAGetWithoutTheBody(int status) {
        server.respondApi(r -> r.path.equals("/api/orders") ? redirect(status, "/api/orders/17")
                : Reply.json(200, "{\"order\":17}"));

        try (Response response = filtered().target(server.uri("/api/orders")).request()
                .post(Entity.entity("{\"item\":\"book\"}", MediaType.APPLICATION_JSON))) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"order\":17}");
        }

        List<Received> api = server.apiRequests();
        assertThat(api).extracting(r -> r.method).containsExactly("POST", "GET");
        assertThat(api.get(0).body).isEqualTo("{\"item\":\"book\"}");
        Received followed = api.get(1);
        assertThat(followed.body).isEmpty();
        assertThat(followed.header("Content-Type")).as("no entity, so no entity headers").isNull();
        assertThat(followed.headers.get("Authorization")).as("same origin: the token goes along")
                .containsExactly("Bearer " + server.issuedTokens().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {307, 308})
    void aPostRedirectedBy307Or308KeepsItsMethodAndBody(int status) {
        server.respondApi(r -> r.path.equals("/api/orders") ? redirect(status, "/api/v2/orders")
                : Reply.json(201, "{}"));

        try (Response response = filtered().target(server.uri("/api/orders")).request()
                .post(Entity.entity("{\"item\":\"book\"}", MediaType.APPLICATION_JSON))) {
            assertThat(response.getStatus()).isEqualTo(201);
        }

        assertThat(server.apiRequests()).extracting(r -> r.method + " " + r.path + " " + r.body)
                .containsExactly("POST /api/orders {\"item\":\"book\"}", "POST /api/v2/orders {\"item\":\"book\"}");
        assertThat(server.apiRequests().get(1).header("Content-Type")).startsWith("application/json");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 303, 307})
    void aHeadStaysAHead(int status) {
        server.respondApi(r -> r.path.equals("/api/probe") ? redirect(status, "/api/probed")
                : Reply.of(200, null, new byte[0], Map.of("X-Probed", "yes")));

        try (Response response = filtered().target(server.uri("/api/probe")).request().head()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getHeaderString("X-Probed")).isEqualTo("yes");
        }
        assertThat(server.apiRequests()).extracting(r -> r.method).containsExactly("HEAD", "HEAD");
    }

    @Test
    void theApplicationsOwnAuthorizationIsKeptOnARedirectWithinTheOrigin() {
        server.respondApi(r -> r.path.equals("/api/old") ? redirect(302, "/api/new") : Reply.json(200, "{}"));

        try (Response response = filtered().target(server.uri("/api/old")).request()
                .header("Authorization", OWN_AUTHORIZATION).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        assertThat(paths(server.apiRequests())).containsExactly("/api/old", "/api/new");
        assertThat(server.apiRequests()).allSatisfy(r ->
                assertThat(r.headers.get("Authorization")).containsExactly(OWN_AUTHORIZATION));
        assertThat(server.tokenRequestCount()).as("the application's header: the filter fetched no token").isZero();
    }

    @Test
    void theApplicationsOwnAuthorizationIsDroppedOnARedirectToAnotherOrigin() {
        server.respondApi(r -> redirect(302, otherOrigin.uri("/api/landing").toString()));

        try (Response response = filtered().target(server.uri("/api/moved")).request()
                .header("Authorization", OWN_AUTHORIZATION).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        assertThat(server.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo(OWN_AUTHORIZATION));
        assertThat(otherOrigin.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).as("credentials crossed origins").isNull());
        assertThat(server.tokenRequestCount()).isZero();
    }

    @Test
    void theApplicationsOwnAuthorizationDoesNotComeBackWhenARedirectReturnsToTheOrigin() {
        server.respondApi(r -> r.path.equals("/api/start") ? redirect(302, otherOrigin.uri("/api/bounce").toString())
                : Reply.json(200, "{}"));
        otherOrigin.respondApi(r -> redirect(302, server.uri("/api/back").toString()));

        try (Response response = filtered().target(server.uri("/api/start")).request()
                .header("Authorization", OWN_AUTHORIZATION).get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }

        assertThat(paths(server.apiRequests())).containsExactly("/api/start", "/api/back");
        assertThat(server.apiRequests().get(1).header("Authorization")).as("after leaving the origin").isNull();
        assertThat(otherOrigin.apiRequests().get(0).header("Authorization")).isNull();
    }
}
