package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.SelfSignedTls;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Token requests take the JVM's proxy settings ({@code https.proxyHost}, {@code https.proxyPort}): the HTTPS token
 * endpoint of a host that does not resolve is reached through a CONNECT proxy, with the TLS handshake (and host name
 * check) end to end through the tunnel.
 */
class TokenRequestProxyTest {

    private static final String HOST = "token.proxied.invalid";
    private static final String SECRET = "proxied-secret-2b7f";

    @TempDir
    Path dir;
    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("proxied", SECRET),
            Forbidden.token("over-tls"));
    private SelfSignedTls tls;
    private ConnectProxy proxy;
    private final TokenHttpClients clients = new TokenHttpClients(new ServerTls(null));

    @BeforeEach
    void start() throws Exception {
        tls = new SelfSignedTls(dir, "dns:" + HOST);
        proxy = new ConnectProxy(tls.uri("/").getPort());
    }

    @AfterEach
    void stop() throws IOException {
        clients.close();
        proxy.close();
        tls.close();
        System.clearProperty("https.proxyHost");
        System.clearProperty("https.proxyPort");
    }

    /** Forwards every {@code CONNECT} to the token endpoint on the loopback address, and remembers its target. */
    private static final class ConnectProxy implements AutoCloseable {
        final List<String> connects = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;

        ConnectProxy(int targetPort) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Thread tunnel = new Thread(() -> tunnel(client, targetPort), "connect-proxy-tunnel");
                        tunnel.setDaemon(true);
                        tunnel.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "connect-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void tunnel(Socket client, int targetPort) {
            try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                InputStream in = client.getInputStream();
                connects.add(readHead(in).split("\r\n")[0]);
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread back = new Thread(() -> copy(target, client), "connect-proxy-back");
                back.setDaemon(true);
                back.start();
                copy(client, target);
                back.join(5_000);
            } catch (IOException | InterruptedException ended) {
                // the client or the endpoint closed the tunnel
            }
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed before the request's head ended");
                }
                head.append((char) b);
            }
            return head.toString();
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException ended) {
                // either side closed
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private SSLContext trusting() throws Exception {
        try (InputStream in = Files.newInputStream(tls.trustStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, SelfSignedTls.TRUST_STORE_PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
    }

    private String token() throws Exception {
        URI tokenUrl = URI.create("https://" + HOST + ":" + tls.uri("/").getPort() + "/token");
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(tokenUrl).clientId("proxied")
                .clientSecret(SECRET).sslContext(trusting()).maxAttempts(1).connectTimeout(Duration.ofSeconds(2))
                .build();
        return new TokenEndpointClient(config, clients.forSettings(config.timing().connectTimeout(),
                config.tls().context()), fixture.clock()).requestToken(Duration.ofSeconds(5)).value();
    }

    @Test
    void aTokenRequestGoesThroughTheProxyOfTheJvmsHttpsProxySettings() throws Exception {
        System.setProperty("https.proxyHost", "127.0.0.1");
        System.setProperty("https.proxyPort", Integer.toString(proxy.port()));

        assertThat(token()).isEqualTo("over-tls");
        assertThat(proxy.connects).containsExactly("CONNECT " + HOST + ":" + tls.uri("/").getPort() + " HTTP/1.1");
        assertThat(tls.requests()).isEqualTo(1);
    }

    @Test
    void withoutProxySettingsTheSameRequestCannotReachTheHost() {
        TokenException e = catchThrowableOfType(TokenException.class, this::token);

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(proxy.connects).isEmpty();
        assertThat(tls.requests()).isZero();
    }
}
