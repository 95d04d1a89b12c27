package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FleetMember;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fleet-wide tokens between real processes: each replica a JVM of its own ({@link FleetMember}: a Hazelcast member,
 * its JCache cache manager, a {@code TokenCache} shared through it), one token server in this JVM. Many calls from
 * every process make one token request; a process killed while it holds the lease and waits for the token endpoint
 * holds the others up only for the lease time.
 */
class FleetProcessesTest {

    private static final String CLIENT_ID = "fleet-process-client";
    private static final String SECRET = "fleet-process-secret-31";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final List<Replica> replicas = new ArrayList<>();

    @Test
    void threeProcessesWithManyThreadsMakeOneTokenRequestBetweenThem() throws Exception {
        server.issueTokensLasting(3600);
        String cluster = "fleet-processes-" + UUID.randomUUID();
        try {
            for (int i = 0; i < 3; i++) {
                replicas.add(Replica.start(cluster, 5941 + i, 5941, server, 5000));
            }
            for (Replica replica : replicas) {
                replica.expect("ready ", Duration.ofSeconds(60));
            }
            for (Replica replica : replicas) {
                replica.awaitMembers(3, Duration.ofSeconds(60));
            }
            for (Replica replica : replicas) {
                replica.send("call 16 50");
            }
            List<String> served = new ArrayList<>();
            for (Replica replica : replicas) {
                String[] answer = replica.expect("served ", Duration.ofSeconds(120)).split(" ");
                assertThat(answer[1]).as("distinct tokens in one process").isEqualTo("1");
                assertThat(answer[2]).as("failed calls").isEqualTo("0");
                served.add(answer[3]);
            }

            assertThat(served).as("the token of each process").containsOnly(served.get(0));
            assertThat(server.tokenRequestCount()).as("token requests for 3 processes x 16 threads x 50 calls")
                    .isEqualTo(1);
        } finally {
            stopAll();
        }
    }

    @Test
    void aProcessKilledWhileItFetchesHoldsTheOthersUpOnlyForTheLeaseTime() throws Exception {
        server.issueTokensLasting(3600);
        String cluster = "fleet-processes-" + UUID.randomUUID();
        try {
            Replica doomed = Replica.start(cluster, 5951, 5951, server, 2000);
            Replica survivor = Replica.start(cluster, 5952, 5951, server, 2000);
            replicas.add(doomed);
            replicas.add(survivor);
            doomed.expect("ready ", Duration.ofSeconds(60));
            survivor.expect("ready ", Duration.ofSeconds(60));
            survivor.awaitMembers(2, Duration.ofSeconds(60));

            server.holdResponses();
            doomed.send("call 1 1");
            assertThat(server.awaitTokenRequests(1, 60)).as("the doomed process holds the lease, its request waits")
                    .isTrue();
            doomed.kill();
            server.releaseResponses();

            survivor.send("call 4 1");
            String[] answer = survivor.expect("served ", Duration.ofSeconds(60)).split(" ");
            assertThat(answer[2]).as("failed calls of the survivor").isEqualTo("0");
            assertThat(answer[1]).isEqualTo("1");
            assertThat(server.tokenRequestCount()).as("the killed process's request and the survivor's").isEqualTo(2);
        } finally {
            server.releaseResponses();
            stopAll();
        }
    }

    private void stopAll() {
        for (Replica replica : replicas) {
            replica.stop();
        }
    }

    /** A replica process and its lines. */
    private static final class Replica {
        private final Process process;
        private final PrintWriter input;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Replica(Process process) {
            this.process = process;
            this.input = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process ended
                }
            }, "fleet-replica-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Replica start(String cluster, int port, int basePort, FakeTokenServer server, long leaseMillis)
                throws IOException {
            Path log = Files.createDirectories(Path.of("target", "fleet-replicas")).resolve(port + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    FleetMember.class.getName(), cluster, String.valueOf(port), String.valueOf(basePort),
                    server.uri("/token").toString(), CLIENT_ID, SECRET, String.valueOf(leaseMillis));
            builder.redirectError(log.toFile());
            return new Replica(builder.start());
        }

        void send(String command) {
            input.println(command);
        }

        String expect(String prefix, Duration within) throws InterruptedException {
            Instant deadline = Instant.now().plus(within);
            while (Instant.now().isBefore(deadline)) {
                String line = lines.poll(Duration.between(Instant.now(), deadline).toMillis() + 1, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("no '" + prefix + "' from the replica within " + within
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
        }

        void awaitMembers(int members, Duration within) throws InterruptedException {
            Instant deadline = Instant.now().plus(within);
            while (true) {
                send("members");
                String answer = expect("members ", within);
                if (Integer.parseInt(answer.substring("members ".length())) >= members) {
                    return;
                }
                assertThat(Instant.now()).as("%d members joined", members).isBefore(deadline);
                lines.poll(200, TimeUnit.MILLISECONDS);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        void stop() {
            if (process.isAlive()) {
                send("exit");
                try {
                    if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }
}
