package dev.oauthfilter;

import com.sun.net.httpserver.HttpServer;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redirect the filter follows is read to its end, not abandoned, so that its connection goes back to the pool
 * (the JDK's keep-alive cache, which Jersey's default connector uses) for later requests. A connection left
 * half-read is a connection lost for every later request.
 */
class OAuthClientFilterConnectionReuseTest {

    private static final String CLIENT_ID = "reuse";
    private static final String SECRET = "reuse-secret-4e21";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer tokenServer = fixture.server();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Client client = ClientBuilder.newClient();
    private HttpServer service;

    @AfterEach
    void stop() {
        client.close();
        if (service != null) {
            service.stop(0);
        }
        threads.shutdownNow();
    }

    /** {@code /api/old} answers 302 with a body; {@code /api/new} 200. Records each request's path and client port. */
    private String startService() throws IOException {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.setExecutor(threads);
        service.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            requests.add(path + " from port " + exchange.getRemoteAddress().getPort());
            boolean moved = path.equals("/api/old");
            byte[] body = (moved ? "<html>moved to /api/new</html>" : "{\"at\":\"new\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (moved) {
                exchange.getResponseHeaders().add("Location", "/api/new");
            }
            exchange.getResponseHeaders().add("Content-Type", moved ? "text/html" : "application/json");
            exchange.sendResponseHeaders(moved ? 302 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();
        return "http://127.0.0.1:" + service.getAddress().getPort();
    }

    private static String port(String request) {
        return request.substring(request.indexOf(" from port ") + " from port ".length());
    }

    @Test
    void aFollowedRedirectLeavesNoConnectionBehind() throws IOException {
        String base = startService();
        client.register(new OAuthClientFilter(fixture.cache().provider(OAuthClientConfig.builder()
                .tokenUrl(tokenServer.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));
        try (Response response = client.target(base + "/api/old").request().get()) {
            assertThat(response.readEntity(String.class)).isEqualTo("{\"at\":\"new\"}");
        }
        assertThat(requests).extracting(r -> r.substring(0, r.indexOf(' '))).containsExactly("/api/old", "/api/new");
        Set<String> redirectedCallConnections = requests.stream().map(OAuthClientFilterConnectionReuseTest::port)
                .collect(Collectors.toSet());

        // two requests open at once need two connections: the pool has both of the redirected call's
        try (Response first = client.target(base + "/api/new").request().get();
             Response second = client.target(base + "/api/new").request().get()) {
            assertThat(first.getStatus()).isEqualTo(200);
            assertThat(second.getStatus()).isEqualTo(200);
        }

        assertThat(requests).hasSize(4);
        assertThat(requests.subList(2, 4)).extracting(OAuthClientFilterConnectionReuseTest::port)
                .as("no third connection: the redirect's own was read to its end and given back")
                .containsExactlyInAnyOrderElementsOf(redirectedCallConnections);
    }
}
