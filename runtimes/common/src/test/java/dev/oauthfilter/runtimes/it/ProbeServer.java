package dev.oauthfilter.runtimes.it;

import dev.oauthfilter.fixtures.ServerProcess;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The runtime under test ({@code -Dprobe.runtime}) with the probe WAR deployed: started once for the whole test run by
 * the first class that registers this extension, on free loopback ports, with the {@code orders} client's secret in
 * its environment ({@code OAUTH_ORDERS_CLIENT_SECRET}, new for every run), and stopped when the run ends or the JVM
 * exits. Its output is in {@code target/server/server.log}.
 * <pre>{@code
 * @RegisterExtension
 * static final ProbeServer SERVER = ProbeServer.shared();
 *
 * assertThat(SERVER.call("/call/orders/id/3")).isEqualTo("status:200 status:200 status:200");
 * }</pre>
 */
final class ProbeServer implements BeforeAllCallback {

    static final String CONTEXT = "/oauth-filter-probe/api";
    private static final Namespace NAMESPACE = Namespace.create(ProbeServer.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private volatile Started started;

    private ProbeServer() {
    }

    /** @return the extension, to register on a static field */
    static ProbeServer shared() {
        return new ProbeServer();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        started = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, key -> Started.start(), Started.class);
    }

    ServerRuntime runtime() {
        return running().runtime;
    }

    /** @return the secret the server's environment gives the {@code orders} client */
    String ordersSecret() {
        return running().ordersSecret;
    }

    /** @return the server's output so far */
    Path log() {
        return running().process.log();
    }

    /** @return the answer of {@code GET <application>/api<path>}: its body if 200, else {@code http:<status>} */
    String call(String path) {
        return call(path, null);
    }

    /** @return as {@link #call(String)}, with this {@code Authorization} header */
    String call(String path, String authorization) {
        HttpResponse<String> response = get(URI.create("http://localhost:" + running().ports.http() + CONTEXT + path),
                authorization);
        return response.statusCode() == 200 ? response.body() : "http:" + response.statusCode();
    }

    /** @return the runtime's MicroProfile Health readiness answer */
    HttpResponse<String> readiness() {
        return get(running().runtime.readiness(running().ports), null);
    }

    private static HttpResponse<String> get(URI uri, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(uri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Started running() {
        return Objects.requireNonNull(started, "register ProbeServer with @RegisterExtension on a static field");
    }

    /** The running server, closed (stopped) with JUnit's root store at the end of the run. */
    private static final class Started implements AutoCloseable {
        final ServerRuntime runtime;
        final ServerRuntime.Ports ports;
        final String ordersSecret;
        final ServerProcess process;

        private Started(ServerRuntime runtime, ServerRuntime.Ports ports, String ordersSecret, ServerProcess process) {
            this.runtime = runtime;
            this.ports = ports;
            this.ordersSecret = ordersSecret;
            this.process = process;
        }

        static Started start() {
            ServerRuntime runtime = ServerRuntime.named(setting("probe.runtime"));
            Path home = Path.of(setting("probe.server.home"));
            Path javaHome = Path.of(setting("probe.java.home"));
            Path war = Path.of(setting("probe.war"));
            Path work = Path.of(setting("probe.work"));
            Duration timeout = Duration.ofSeconds(Long.parseLong(setting("probe.start.timeout")));
            ServerProcess.stopLeftOver(work);
            ServerRuntime.deleteTree(work);
            try {
                Files.createDirectories(work);
                runtime.prepare(home, war, work);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + work, e);
            }
            ServerRuntime.Ports ports = freePorts();
            String ordersSecret = "orders-" + UUID.randomUUID().toString().replace("-", "");
            ServerProcess process = ServerProcess.launch(runtime.displayName(),
                            runtime.command(home, javaHome, war, work, ports)).in(work)
                    .withoutInherited("OAUTH_", "PROBE_")
                    .environment(Map.of("JAVA_HOME", javaHome.toString(), "OAUTH_ORDERS_CLIENT_SECRET", ordersSecret,
                            "PROBE_ORDERS_ACCEPTED_SECRET", ordersSecret))
                    .readyWhen(URI.create("http://localhost:" + ports.http() + CONTEXT + "/target/received/ready"))
                    .failedWhen(runtime::deploymentFailed, "the application could not be deployed")
                    .within(timeout, "-Dprobe.start.timeout=<s>")
                    .start();
            System.out.printf("%s ready (probe deployed) at http://localhost:%d in %.1f s, on %s%n",
                    runtime.displayName(), ports.http(), process.startup().toMillis() / 1000.0, javaHome);
            return new Started(runtime, ports, ordersSecret, process);
        }

        @Override
        public void close() {
            process.close();
        }

        private static String setting(String name) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank() || value.equals("none")) {
                throw new IllegalStateException("no -D" + name + ": run the tests through the runtime's pom.xml");
            }
            return value;
        }

        // Free loopback ports, all held at once so that they differ, released just before the server binds them
        // (the servers do not all bind with SO_REUSEADDR, so the ports cannot be held through their start).
        private static ServerRuntime.Ports freePorts() {
            List<ServerSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
                }
                return new ServerRuntime.Ports(sockets.get(0).getLocalPort(), sockets.get(1).getLocalPort(),
                        sockets.get(2).getLocalPort(), sockets.get(3).getLocalPort(), sockets.get(4).getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            } finally {
                for (ServerSocket socket : sockets) {
                    try {
                        socket.close();
                    } catch (IOException e) {
                        // nothing listens on it any more either way
                    }
                }
            }
        }
    }
}
