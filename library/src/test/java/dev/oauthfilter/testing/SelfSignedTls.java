package dev.oauthfilter.testing;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS token endpoint with a self-signed certificate for 127.0.0.1, made with the JDK's keytool, and a trust store
 * holding that certificate.
 */
public final class SelfSignedTls implements AutoCloseable {

    public static final String TRUST_STORE_PASSWORD = "trust-store-pw";
    private static final String KEY_STORE_PASSWORD = "key-store-pw";

    private final HttpsServer server;
    private final Path trustStore;
    private final AtomicInteger requests = new AtomicInteger();

    public SelfSignedTls(Path dir) throws Exception {
        this(dir, "ip:127.0.0.1,dns:localhost");
    }

    /**
     * @param dir               where the key and trust stores go
     * @param subjectAltNames   the certificate's names, in keytool's {@code SAN=} form (the server listens on
     *                          127.0.0.1 whatever they say)
     */
    public SelfSignedTls(Path dir, String subjectAltNames) throws Exception {
        Path keyStore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.pem");
        trustStore = dir.resolve("trust.p12");
        TestKeys.keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=" + subjectAltNames, "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", KEY_STORE_PASSWORD);
        TestKeys.keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass",
                KEY_STORE_PASSWORD, "-file", certificate.toString());
        TestKeys.keytool("-importcert", "-noprompt", "-alias", "server", "-file", certificate.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", TRUST_STORE_PASSWORD);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, KEY_STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, KEY_STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/token", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"access_token\":\"over-tls\",\"token_type\":\"Bearer\",\"expires_in\":60}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public Path trustStore() {
        return trustStore;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
