package dev.oauthfilter.samples.it;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import static dev.oauthfilter.samples.it.CertificateBoundService.keytool;

/**
 * Two HTTPS token endpoints in the test JVM, on two ports, with one certificate for 127.0.0.1 issued by a private CA
 * that the test makes (JDK keytool, in {@code dir}); {@link #trustStore()} holds that CA's certificate alone, so that
 * only a TLS context trusting it reaches them. {@code POST /token} issues {@code private-ca-<n>}.
 */
final class PrivateCaTokenEndpoints implements AutoCloseable {

    static final String PASSWORD = "private-ca-it-pw";

    private final Path trustStore;
    private final List<HttpsServer> servers = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();

    PrivateCaTokenEndpoints(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path caCertificate = dir.resolve("ca.pem");
        Path serverKeys = dir.resolve("server.p12");
        Path request = dir.resolve("server.csr");
        Path serverCertificate = dir.resolve("server.pem");
        trustStore = dir.resolve("trust.p12");
        for (Path file : List.of(ca, caCertificate, serverKeys, request, serverCertificate, trustStore)) {
            Files.deleteIfExists(file);
        }
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=oauth-filter IT private CA", "-ext", "bc:c", "-keystore", ca.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-file", caCertificate.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-keystore", serverKeys.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass", PASSWORD,
                "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-infile", request.toString(), "-outfile", serverCertificate.toString(), "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1");
        // the CA first, so that keytool accepts the signed certificate as the reply that completes the chain
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(), "-keystore",
                serverKeys.toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "server", "-file", serverCertificate.toString(), "-keystore",
                serverKeys.toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeys)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        for (int i = 0; i < 2; i++) {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(context));
            int port = i;
            server.createContext("/token", exchange -> {
                requests.add("endpoint" + port + " " + new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                byte[] body = ("{\"access_token\":\"private-ca-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.add(server);
        }
    }

    /** @return the token endpoint {@code index} (0 or 1) */
    URI tokenUrl(int index) {
        return URI.create("https://127.0.0.1:" + port(index) + "/token");
    }

    int port(int index) {
        return servers.get(index).getAddress().getPort();
    }

    /** @return the private CA's certificate alone */
    Path trustStore() {
        return trustStore;
    }

    /** @return per token request that got through: {@code endpoint<index> <form>} */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
    }
}
