package dev.oauthfilter.testing;

import dev.oauthfilter.fixtures.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One Keycloak server process: {@code bin/kc.sh start-dev} on a free loopback port with a fresh H2 database and the
 * test realm imported, ready once the realm's discovery document is served, and stopped with every process under it
 * ({@link ServerProcess}: by {@link #close()}, else when the JVM exits, else by the next start if this JVM was killed).
 * Everything it prints goes to a log file, named in every failure.
 */
final class KeycloakProcess {

    private final ServerProcess process;
    private final URI baseUri;
    private final URI httpsBaseUri;
    private final KeycloakTls tls;

    private KeycloakProcess(ServerProcess process, URI baseUri, URI httpsBaseUri, KeycloakTls tls) {
        this.process = process;
        this.baseUri = baseUri;
        this.httpsBaseUri = httpsBaseUri;
        this.tls = tls;
    }

    /**
     * Starts Keycloak and waits until the realm is served.
     *
     * @throws IllegalStateException naming the log file, and quoting its end, when Keycloak does not become ready
     */
    static KeycloakProcess start(KeycloakSettings settings) {
        // before the data is cleared: a Keycloak that a killed run left behind would write its database again
        ServerProcess.stopLeftOver(settings.home(), settings.pidFile());
        prepareData(settings);
        KeycloakTls tls = KeycloakTls.create(settings.home().resolveSibling("tls"));
        // held until Keycloak is up (it binds with SO_REUSEADDR as well), so that no other process takes the ports
        try (ReservedPort port = new ReservedPort(); ReservedPort httpsPort = new ReservedPort()) {
            URI baseUri = URI.create("http://127.0.0.1:" + port.port());
            List<String> command = command(settings, port.port(), httpsPort.port(), tls);
            ServerProcess process = ServerProcess.launch("Keycloak", command).in(settings.home())
                    .log(settings.log()).pidFile(settings.pidFile())
                    // nothing of a developer's own Keycloak settings leaks in
                    .withoutInherited("KC_", "KEYCLOAK_")
                    .environment("JAVA_HOME", settings.javaHome().toString())
                    .environment("JAVA_OPTS_APPEND", settings.jvmOptions())
                    .environment("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakSettings.ADMIN_USER)
                    .environment("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakSettings.ADMIN_PASSWORD)
                    .readyWhen(baseUri.resolve("/realms/" + settings.realm() + "/.well-known/openid-configuration"))
                    .within(settings.startTimeout(), "-Dkeycloak.start.timeout=<s>")
                    .start();
            return new KeycloakProcess(process, baseUri, URI.create("https://127.0.0.1:" + httpsPort.port()), tls);
        }
    }

    /** @return {@code http://127.0.0.1:<port>} */
    URI baseUri() {
        return baseUri;
    }

    /** @return {@code https://127.0.0.1:<port>}: the listener that asks for a client certificate (mutual TLS) */
    URI httpsBaseUri() {
        return httpsBaseUri;
    }

    /** @return the certificates of the HTTPS listener */
    KeycloakTls tls() {
        return tls;
    }

    /** @return from launch until the realm was served */
    Duration startup() {
        return process.startup();
    }

    /** Stops Keycloak: SIGTERM to every process of its tree, SIGKILL to what still runs 20 s later. */
    void close() {
        process.close();
    }

    // A fresh import every run: start-dev keeps its database in data/h2 and skips a realm it already has.
    private static void prepareData(KeycloakSettings settings) {
        Path data = settings.home().resolve("data");
        Path imports = data.resolve("import");
        try {
            deleteTree(data.resolve("h2"));
            deleteTree(imports);
            Files.createDirectories(imports);
            try (InputStream realm = KeycloakProcess.class.getResourceAsStream(settings.realmResource())) {
                if (realm == null) {
                    throw new IllegalStateException("no realm file " + settings.realmResource() + " on the class path");
                }
                Files.copy(realm, imports.resolve(settings.realm() + "-realm.json"));
            }
            Files.createDirectories(settings.log().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + data + " for a fresh realm import", e);
        }
    }

    // HTTPS beside HTTP: "request" asks every TLS client for a certificate and checks one that is presented against
    // the trusted client certificates, which tls_client_auth and certificate-bound tokens (RFC 8705) need.
    // The preview feature lets a client authenticate with a JWT another issuer gave it (workload identity).
    private static List<String> command(KeycloakSettings settings, int port, int httpsPort, KeycloakTls tls) {
        return List.of(settings.home().resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm",
                "--https-port=" + httpsPort, "--https-key-store-file=" + tls.serverKeyStore(),
                "--https-key-store-password=" + KeycloakTls.PASSWORD, "--https-client-auth=request",
                "--truststore-paths=" + tls.trustedClients(),
                "--features=client-auth-federated",
                // why Keycloak refused a client (invalid_client says nothing more) goes to the log at DEBUG
                "--log-level=info,org.keycloak.authentication.authenticators.client:debug");
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
