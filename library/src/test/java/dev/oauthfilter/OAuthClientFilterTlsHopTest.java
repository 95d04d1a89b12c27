package dev.oauthfilter;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redirect hop over HTTPS to a service whose certificate only the application's own TLS settings accept: issued by
 * a private CA (the application's SSLContext trusts it) for a name other than the host dialled (the application's
 * HostnameVerifier accepts it). The hop is sent through a client with those settings, so it reaches the service.
 */
class OAuthClientFilterTlsHopTest {

    private static final String CLIENT_ID = "tls-hops";
    private static final String SECRET = "tls-hops-secret-2d9a";
    private static final String KEY_STORE_PASSWORD = "tls-hop-store";

    @TempDir
    static Path dir;
    private static SSLContext serverTls;
    private static SSLContext clientTls;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer tokenServer = fixture.server();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private HttpsServer service;
    private Client client;

    @BeforeAll
    static void certificates() throws Exception {
        // a self-signed certificate for another name than 127.0.0.1, trusted by nothing but the client below
        Path store = TestKeys.keyStore(dir.resolve("service.p12"), "notes.example.test", KEY_STORE_PASSWORD);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, KEY_STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, KEY_STORE_PASSWORD.toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("service", keys.getCertificate(keys.aliases().nextElement()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trustManagers.getTrustManagers(), null);
    }

    @AfterAll
    static void forget() {
        serverTls = null;
        clientTls = null;
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (service != null) {
            service.stop(0);
        }
        threads.shutdownNow();
    }

    private URI startService() throws Exception {
        service = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        service.setExecutor(threads);
        service.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            received.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            if (path.equals("/api/old")) {
                exchange.getResponseHeaders().add("Location", "/api/new");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "{\"over\":\"tls\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        service.start();
        return URI.create("https://127.0.0.1:" + service.getAddress().getPort());
    }

    @Test
    void aRedirectHopUsesTheApplicationsSslContextAndHostnameVerifier() throws Exception {
        URI base = startService();
        client = ClientBuilder.newBuilder().sslContext(clientTls)
                .hostnameVerifier((host, session) -> host.equals("127.0.0.1")).build()
                .register(new OAuthClientFilter(fixture.cache().provider(OAuthClientConfig.builder()
                        .tokenUrl(tokenServer.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build())));

        try (Response response = client.target(base.resolve("/api/old")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.readEntity(String.class)).isEqualTo("{\"over\":\"tls\"}");
        }

        String bearer = "Bearer " + tokenServer.issuedTokens().get(0);
        assertThat(received).containsExactly("/api/old " + bearer, "/api/new " + bearer);
    }
}
