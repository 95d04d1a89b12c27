package dev.oauthfilter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates of the test Keycloak's HTTPS listener (RFC 8705 mutual TLS), made afresh with the JDK's keytool at
 * each start: a server certificate for 127.0.0.1, the client certificate {@value #CLIENT_SUBJECT} that the realm's
 * {@code tls-client} authenticates by its subject, one of another subject that Keycloak trusts as well, one of the same
 * subject that it does not, the trust store a client needs for the server, and the PEM file of client certificates
 * Keycloak trusts ({@code --truststore-paths}). Self-signed, valid two days, test use only.
 */
public final class KeycloakTls {

    public static final String CLIENT_SUBJECT = "CN=oauth-filter-tls-client,O=oauth-filter tests";
    /** The subject of a certificate Keycloak trusts that no client of the realm is bound to. */
    public static final String OTHER_SUBJECT = "CN=someone-else,O=oauth-filter tests";
    /** The password of every store. */
    public static final String PASSWORD = "test-only-keycloak-tls";

    private final Path serverKeyStore;
    private final Path trustStore;
    private final Path clientKeyStore;
    private final Path strangerKeyStore;
    private final Path otherSubjectKeyStore;
    private final Path trustedClients;

    private KeycloakTls(Path dir) {
        serverKeyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        clientKeyStore = dir.resolve("client.p12");
        strangerKeyStore = dir.resolve("stranger.p12");
        otherSubjectKeyStore = dir.resolve("other-subject.p12");
        trustedClients = dir.resolve("trusted-clients.pem");
    }

    /** Makes every store anew in {@code dir} (emptied first). */
    static KeycloakTls create(Path dir) {
        KeycloakTls tls = new KeycloakTls(dir);
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            Path serverCert = dir.resolve("server.pem");
            generate(tls.serverKeyStore, "server", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
            TestKeys.keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", tls.serverKeyStore.toString(),
                    "-storepass", PASSWORD, "-file", serverCert.toString());
            TestKeys.keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverCert.toString(),
                    "-keystore", tls.trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            generate(tls.clientKeyStore, "client", CLIENT_SUBJECT, null);
            TestKeys.keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", tls.clientKeyStore.toString(),
                    "-storepass", PASSWORD, "-file", tls.trustedClients.toString());
            generate(tls.strangerKeyStore, "client", CLIENT_SUBJECT, null);
            generate(tls.otherSubjectKeyStore, "client", OTHER_SUBJECT, null);
            Path other = dir.resolve("other-subject.pem");
            TestKeys.keytool("-exportcert", "-rfc", "-alias", "client", "-keystore",
                    tls.otherSubjectKeyStore.toString(), "-storepass", PASSWORD, "-file", other.toString());
            Files.writeString(tls.trustedClients, Files.readString(other), java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make Keycloak's TLS stores in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making Keycloak's TLS stores", e);
        }
        return tls;
    }

    private static void generate(Path store, String alias, String subject, String extension)
            throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", subject, "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD));
        if (extension != null) {
            args.addAll(List.of("-ext", extension));
        }
        TestKeys.keytool(args.toArray(String[]::new));
    }

    /** @return Keycloak's own key and certificate (PKCS12, {@link #PASSWORD}) */
    Path serverKeyStore() {
        return serverKeyStore;
    }

    /** @return the client certificates Keycloak trusts, PEM */
    Path trustedClients() {
        return trustedClients;
    }

    /** @return a PKCS12 trust store ({@link #PASSWORD}) with Keycloak's certificate */
    public Path trustStore() {
        return trustStore;
    }

    /** @return the PKCS12 key store ({@link #PASSWORD}) with the trusted client key and certificate */
    public Path clientKeyStore() {
        return clientKeyStore;
    }

    /** @return a key store like {@link #clientKeyStore()}, same subject, another key Keycloak was never told of */
    public Path strangerKeyStore() {
        return strangerKeyStore;
    }

    /** @return the key store of a certificate Keycloak trusts, with the subject {@value #OTHER_SUBJECT} */
    public Path otherSubjectKeyStore() {
        return otherSubjectKeyStore;
    }

    /**
     * @param keyStore the client's key store, or null for none
     * @return a TLS context that trusts Keycloak and presents the key store's certificate
     */
    public SSLContext context(Path keyStore) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(trustStore));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            if (keyStore != null) {
                keys.init(load(keyStore), PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyStore == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from " + trustStore + " and " + keyStore, e);
        }
    }

    private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
