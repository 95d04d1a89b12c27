package dev.oauthfilter.samples.it;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * An authorization server and a protected service in the test JVM, both over HTTPS that requires a client
 * certificate (RFC 8705): {@code POST /token} issues a token bound to the certificate the client presented (its
 * SHA-256 thumbprint, as {@code cnf.x5t#S256} would say), {@code GET /resource} accepts a token only over a connection
 * that presents the certificate it is bound to (else 401). It trusts two client certificates, {@code client} (the
 * application's) and {@code other}; the stores are made with the JDK's keytool in {@code dir}.
 */
final class CertificateBoundService implements AutoCloseable {

    static final String PASSWORD = "mtls-it-store-pw";

    private final Path clientKeyStore;
    private final Path otherKeyStore;
    private final Path trustStore;
    private final HttpsServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final Map<String, String> boundTo = new ConcurrentHashMap<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> resourceCalls = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();

    CertificateBoundService(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path serverKeys = dir.resolve("server.p12");
        clientKeyStore = dir.resolve("client.p12");
        otherKeyStore = dir.resolve("other.p12");
        trustStore = dir.resolve("trust.p12");
        Path clientsTrusted = dir.resolve("clients-trusted.p12");
        for (Path store : List.of(serverKeys, clientKeyStore, otherKeyStore, trustStore, clientsTrusted)) {
            Files.deleteIfExists(store);
        }
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", serverKeys.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        copyCertificate(serverKeys, "server", trustStore, dir);
        for (Path client : List.of(clientKeyStore, otherKeyStore)) {
            String alias = client == clientKeyStore ? "client" : "other";
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=liberty-mtls-" + alias, "-keystore", client.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD);
            copyCertificate(client, alias, clientsTrusted, dir);
        }

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
            String thumbprint = thumbprint((HttpsExchange) exchange);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(thumbprint + " " + body);
            String token = "bound-" + issued.incrementAndGet() + "-" + System.nanoTime();
            boundTo.put(token, thumbprint);
            tokens.add(token);
            reply(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        });
        server.createContext("/resource", exchange -> {
            String presented = thumbprint((HttpsExchange) exchange);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring("Bearer ".length()) : "";
            boolean bound = presented.equals(boundTo.get(token));
            resourceCalls.add(bound ? "bound" : "refused");
            reply(exchange, bound ? 200 : 401, bound ? "ok" : "");
        });
        server.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    Path clientKeyStore() {
        return clientKeyStore;
    }

    Path otherKeyStore() {
        return otherKeyStore;
    }

    Path trustStore() {
        return trustStore;
    }

    /** @return per token request: the thumbprint of the presented certificate, then the form */
    List<String> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    /** @return per resource call: {@code bound} (token and certificate match) or {@code refused} */
    List<String> resourceCalls() {
        return List.copyOf(resourceCalls);
    }

    /** @return the tokens issued, in order */
    List<String> tokens() {
        return List.copyOf(tokens);
    }

    /** @return the SHA-256 thumbprint of the certificate in a key store, as the service records it */
    static String thumbprintOf(Path keyStore) throws Exception {
        KeyStore store = load(keyStore);
        X509Certificate certificate = (X509Certificate) store.getCertificate(store.aliases().nextElement());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    /** @return a TLS context that trusts the service and presents the key store's certificate */
    SSLContext clientContext(Path keyStore) throws GeneralSecurityException, IOException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keyStore), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static String thumbprint(HttpsExchange exchange) {
        try {
            X509Certificate presented = (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(presented.getEncoded()));
        } catch (SSLPeerUnverifiedException | GeneralSecurityException e) {
            return "none";
        }
    }

    private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void copyCertificate(Path from, String alias, Path to, Path dir) throws Exception {
        Path pem = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", from.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-keystore", to.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        Files.delete(pem);
    }

    /** Runs the JDK's keytool (also for {@link PrivateCaTokenEndpoints}); fails with its output. */
    static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
