package dev.oauthfilter.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS token endpoint that requires a client certificate it trusts (RFC 8705 mutual TLS), with the stores a
 * client needs: a trust store for the server's certificate and a key store with the client's key and certificate
 * (CN={@value #CLIENT_CN}). Records, per token request, the subject of the certificate the client presented and the
 * request body.
 */
public final class MutualTlsServer implements AutoCloseable {

    public static final String PASSWORD = "mtls-store-pw";
    public static final String CLIENT_CN = "mtls-client";

    private final HttpsServer server;
    private final Path trustStore;
    private final Path clientKeyStore;
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    public MutualTlsServer(Path dir) throws Exception {
        Path serverKeys = dir.resolve("mtls-server.p12");
        Path serverCert = dir.resolve("mtls-server.pem");
        trustStore = dir.resolve("mtls-trust.p12");
        clientKeyStore = dir.resolve("mtls-client.p12");
        Path clientCert = dir.resolve("mtls-client.pem");
        Path clientsTrusted = dir.resolve("mtls-clients.p12");
        TestKeys.keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", serverKeys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        TestKeys.keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass",
                PASSWORD, "-file", serverCert.toString());
        TestKeys.keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverCert.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        TestKeys.keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + CLIENT_CN, "-keystore", clientKeyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        TestKeys.keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", clientKeyStore.toString(),
                "-storepass", PASSWORD, "-file", clientCert.toString());
        TestKeys.keytool("-importcert", "-noprompt", "-alias", "client", "-file", clientCert.toString(), "-keystore",
                clientsTrusted.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverKeys), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(clientsTrusted));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/token", exchange -> {
            try {
                X509Certificate presented = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                        .getPeerCertificates()[0];
                clientSubjects.add(presented.getSubjectX500Principal().getName());
            } catch (SSLPeerUnverifiedException e) {
                clientSubjects.add("none");
            }
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"access_token\":\"bound-to-the-certificate\",\"token_type\":\"Bearer\",\"expires_in\":60}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    public URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** @return the server's certificate, for the client's trust */
    public Path trustStore() {
        return trustStore;
    }

    /** @return the client's key and certificate */
    public Path clientKeyStore() {
        return clientKeyStore;
    }

    public List<String> clientSubjects() {
        return List.copyOf(clientSubjects);
    }

    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
