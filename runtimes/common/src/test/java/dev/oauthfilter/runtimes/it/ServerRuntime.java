package dev.oauthfilter.runtimes.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How each runtime under test is laid out, started and asked for its readiness, with its distribution unchanged: the
 * tests give it free loopback ports and a work directory of its own, deploy the probe WAR and set system properties
 * and environment variables as a user would.
 */
enum ServerRuntime {

    /**
     * WildFly's {@code standalone-microprofile.xml} as distributed (plus a logger that records oauth-filter at every
     * level), with a server base directory of its own under
     * the work directory ({@code jboss.server.base.dir}): the WAR is deployed by the deployment scanner at boot.
     * Readiness is served on the management port.
     */
    WILDFLY("WildFly", false, "WFLYCTL0013: Operation (\"deploy\")") {
        @Override
        void prepare(Path home, Path war, Path work) throws IOException {
            Path base = work.resolve("standalone");
            copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
            // oauth-filter's own records at every level into log/server.log (the FILE handler takes all levels),
            // so that the log hygiene test sees its finest ones; nothing else of the configuration changes
            Path configuration = base.resolve("configuration/standalone-microprofile.xml");
            String xml = Files.readString(configuration, StandardCharsets.UTF_8);
            if (!xml.contains("<root-logger>")) {
                throw new IllegalStateException(configuration + " has no <root-logger> to put a logger before");
            }
            Files.writeString(configuration, xml.replaceFirst("<root-logger>",
                    "<logger category=\"dev.oauthfilter\"><level name=\"TRACE\"/></logger>\n            <root-logger>"),
                    StandardCharsets.UTF_8);
            Files.createDirectories(base.resolve("deployments"));
            Files.copy(war, base.resolve("deployments").resolve(war.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        List<String> command(Path home, Path javaHome, Path war, Path work, Ports ports) {
            return List.of(home.resolve("bin/standalone.sh").toString(), "-c", "standalone-microprofile.xml",
                    "-Djboss.server.base.dir=" + work.resolve("standalone"),
                    "-Djboss.http.port=" + ports.http(), "-Djboss.https.port=" + ports.https(),
                    "-Djboss.management.http.port=" + ports.management(),
                    "-Djboss.management.https.port=" + ports.managementHttps(),
                    "-Djboss.ajp.port=" + ports.ajp(),
                    "-D" + PROBE_HTTP_PORT + "=" + ports.http());
        }

        @Override
        URI readiness(Ports ports) {
            return URI.create("http://localhost:" + ports.management() + "/health/ready");
        }
    },

    /**
     * Payara Micro: {@code java -jar payara-micro.jar --deploy <war>} on Java 21+, without clustering, with its
     * configuration kept in the work directory ({@code --rootdir}). Readiness is served on the HTTP port.
     */
    PAYARA("Payara Micro", true, "Exception while loading the app", "failed due to previous errors") {
        @Override
        void prepare(Path home, Path war, Path work) throws IOException {
            Files.createDirectories(work.resolve("root"));
            // Payara Micro has no option for the address it listens on: loopback only, as WildFly here
            Files.writeString(work.resolve("preboot.asadmin"), "set configs.config.server-config.network-config"
                    + ".network-listeners.network-listener.http-listener.address=127.0.0.1\n");
            // oauth-filter's own records at every level on the server's output, so that the log hygiene test sees
            // its finest ones
            Files.writeString(work.resolve("logging.properties"), String.join("\n",
                    "handlers=java.util.logging.ConsoleHandler",
                    "java.util.logging.ConsoleHandler.level=ALL",
                    "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                    ".level=INFO",
                    "dev.oauthfilter.level=ALL", ""), StandardCharsets.UTF_8);
        }

        @Override
        List<String> command(Path home, Path javaHome, Path war, Path work, Ports ports) {
            List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                    "-D" + PROBE_HTTP_PORT + "=" + ports.http(), "-jar", home.toString(),
                    "--nocluster", "--disablephonehome", "--port", Integer.toString(ports.http()),
                    "--rootdir", work.resolve("root").toString(), "--unpackdir", work.resolve("runtime").toString(),
                    "--prebootcommandfile", work.resolve("preboot.asadmin").toString(),
                    "--logproperties", work.resolve("logging.properties").toString(),
                    "--deploy", war.toString()));
            return command;
        }

        @Override
        URI readiness(Ports ports) {
            return URI.create("http://localhost:" + ports.http() + "/health/ready");
        }
    };

    /** The system property of the server that the probe's configuration builds its URLs from. */
    static final String PROBE_HTTP_PORT = "probe.http.port";

    private final String displayName;
    private final boolean jaxRsClientFollowsRedirects;
    private final List<String> deploymentFailures;

    ServerRuntime(String displayName, boolean jaxRsClientFollowsRedirects, String... deploymentFailures) {
        this.displayName = displayName;
        this.jaxRsClientFollowsRedirects = jaxRsClientFollowsRedirects;
        this.deploymentFailures = List.of(deploymentFailures);
    }

    /** @return whether the server's output says that the application could not be deployed */
    boolean deploymentFailed(String log) {
        return deploymentFailures.stream().anyMatch(log::contains);
    }

    /** @return the runtime named by {@code -Dprobe.runtime} ({@code wildfly}, {@code payara}) */
    static ServerRuntime named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    String displayName() {
        return displayName;
    }

    /** @return whether a plain JAX-RS client ({@code ClientBuilder.newClient()}) follows redirects by default */
    boolean jaxRsClientFollowsRedirects() {
        return jaxRsClientFollowsRedirects;
    }

    /** Lays out what the server needs in its (empty) work directory. */
    abstract void prepare(Path home, Path war, Path work) throws IOException;

    /** @return the server's command line */
    abstract List<String> command(Path home, Path javaHome, Path war, Path work, Ports ports);

    /** @return where the server's MicroProfile Health readiness is served */
    abstract URI readiness(Ports ports);

    /** The loopback ports a server listens on (WildFly all of them, Payara Micro the HTTP port). */
    record Ports(int http, int https, int management, int managementHttps, int ajp) {
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
