package dev.oauthfilter.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Keycloak server process: {@code bin/kc.sh start-dev} on a free loopback port with a fresh H2 database and the
 * test realm imported, ready once the realm's discovery document is served, and stopped with every process under
 * it (by {@link #close()}, else when the JVM exits, else by the next start if this JVM was killed). Everything it
 * prints goes to a log file, named in every failure.
 */
final class KeycloakProcess {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final URI baseUri;
    private final URI httpsBaseUri;
    private final KeycloakTls tls;
    private final Duration startup;
    private final Thread stopOnExit;
    private final Path pidFile;

    private KeycloakProcess(Process process, URI baseUri, URI httpsBaseUri, KeycloakTls tls, Duration startup,
                            Thread stopOnExit, Path pidFile) {
        this.process = process;
        this.baseUri = baseUri;
        this.httpsBaseUri = httpsBaseUri;
        this.tls = tls;
        this.startup = startup;
        this.stopOnExit = stopOnExit;
        this.pidFile = pidFile;
    }

    /**
     * Starts Keycloak and waits until the realm is served.
     *
     * @throws IllegalStateException naming the log file, and quoting its end, when Keycloak does not become ready
     */
    static KeycloakProcess start(KeycloakSettings settings) {
        stopLeftOver(settings);
        prepareData(settings);
        KeycloakTls tls = KeycloakTls.create(settings.home().resolveSibling("tls"));
        long began = System.nanoTime();
        // held until Keycloak is up (it binds with SO_REUSEADDR as well), so that no other process takes the ports
        try (ReservedPort port = new ReservedPort(); ReservedPort httpsPort = new ReservedPort()) {
            URI baseUri = URI.create("http://127.0.0.1:" + port.port());
            Process process = launch(settings, port.port(), httpsPort.port(), tls);
            Thread stopOnExit = new Thread(() -> stopTree(process.toHandle()), "keycloak-stop-on-exit");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            try {
                writePid(settings, process);
                awaitReady(process, baseUri, settings);
            } catch (RuntimeException e) {
                stop(process, stopOnExit, settings.pidFile());
                throw e;
            }
            return new KeycloakProcess(process, baseUri, URI.create("https://127.0.0.1:" + httpsPort.port()), tls,
                    Duration.ofNanos(System.nanoTime() - began), stopOnExit,
                    settings.pidFile());
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
        return startup;
    }

    /** Stops Keycloak: SIGTERM to every process of its tree, SIGKILL to what still runs 15 s later. */
    void close() {
        stop(process, stopOnExit, pidFile);
    }

    private static void stop(Process process, Thread stopOnExit, Path pidFile) {
        stopTree(process.toHandle());
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // a pid file left behind names a process that no longer runs: the next start ignores it
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // the hook runs anyway, and finds nothing left to stop
        }
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
    private static Process launch(KeycloakSettings settings, int port, int httpsPort, KeycloakTls tls) {
        List<String> command = List.of(settings.home().resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm",
                "--https-port=" + httpsPort, "--https-key-store-file=" + tls.serverKeyStore(),
                "--https-key-store-password=" + KeycloakTls.PASSWORD, "--https-client-auth=request",
                "--truststore-paths=" + tls.trustedClients(),
                "--features=client-auth-federated",
                // why Keycloak refused a client (invalid_client says nothing more) goes to the log at DEBUG
                "--log-level=info,org.keycloak.authentication.authenticators.client:debug");
        ProcessBuilder builder = new ProcessBuilder(command).directory(settings.home().toFile())
                .redirectErrorStream(true).redirectOutput(settings.log().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        // nothing of a developer's own Keycloak or JVM settings leaks in
        env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KEYCLOAK_")
                || name.startsWith("JAVA_OPTS") || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
        env.put("JAVA_HOME", settings.javaHome().toString());
        env.put("JAVA_OPTS_APPEND", settings.jvmOptions());
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", KeycloakSettings.ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", KeycloakSettings.ADMIN_PASSWORD);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        }
    }

    private static void awaitReady(Process process, URI baseUri, KeycloakSettings settings) {
        URI discovery = baseUri.resolve("/realms/" + settings.realm() + "/.well-known/openid-configuration");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
                lastAnswer = "HTTP " + status;
            } catch (IOException notListeningYet) {
                lastAnswer = notListeningYet.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            // the pause between polls waits on the process itself: one that exits ends the wait at once
            if (exitedWithin(process, POLL_INTERVAL)) {
                throw failure(settings, "Keycloak exited with status " + process.exitValue() + " before it served "
                        + discovery);
            }
        }
        throw failure(settings, "Keycloak did not serve " + discovery + " within " + settings.startTimeout().toSeconds()
                + " s (last: " + lastAnswer + "; a slow machine can allow more with -Dkeycloak.start.timeout=<s>)");
    }

    private static boolean exitedWithin(Process process, Duration wait) {
        try {
            return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Keycloak", e);
        }
    }

    private static IllegalStateException failure(KeycloakSettings settings, String what) {
        return new IllegalStateException(what + ". Its output is in " + settings.log() + ", which ends with:\n"
                + logTail(settings.log()));
    }

    private static String logTail(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // kc.sh runs Java as its child, or replaces itself with it after a re-augmentation: the whole tree is stopped.
    private static void stopTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_WITHIN.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception notEndedInTime) {
                handle.destroyForcibly();
            }
        }
    }

    private static void writePid(KeycloakSettings settings, Process process) {
        try {
            Files.writeString(settings.pidFile(), Long.toString(process.pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + settings.pidFile(), e);
        }
    }

    /**
     * A JVM killed outright (SIGKILL, a fork timeout) runs no shutdown hook: its Keycloak would run on. The next start
     * stops it, if the recorded process still runs from this same Keycloak directory (not a recycled pid).
     */
    private static void stopLeftOver(KeycloakSettings settings) {
        Path pidFile = settings.pidFile();
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            String home = settings.home().toString();
            ProcessHandle.of(pid).filter(handle -> runsFrom(handle, home) || handle.descendants()
                    .anyMatch(child -> runsFrom(child, home))).ifPresent(KeycloakProcess::stopTree);
            Files.delete(pidFile);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + pidFile + "; delete it", e);
        }
    }

    // kc.sh has its own path on its command line, the Java it starts -Dkc.home.dir=<home>
    private static boolean runsFrom(ProcessHandle process, String home) {
        return process.info().commandLine().map(line -> line.contains(home)).orElse(false);
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
