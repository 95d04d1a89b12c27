package dev.oauthfilter.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fleet-wide tokens across processes: 1, 3 and 5 replicas (each a JVM of its own, {@link FleetBenchMember}) with
 * 32 threads each call {@code token()} (1 ms apart) over at least five token lifetimes, with and without sharing
 * through JCache on Hazelcast; one token endpoint (in this JVM) counts the token requests.
 *
 * <p>Reports token requests per lifetime for the whole fleet (target 1 with sharing; N replicas without), the
 * duplicates among them (a request less than half a lifetime after the one before fetched a token generation that
 * was already fetched: 0 with sharing, whatever the run's edges add to the count per lifetime) and the callers'
 * latency (p50, p99, p99.99, max over every call, the refreshes included).
 *
 * <pre>
 * java [-Dfleet.refreshBeforeMillis=1000] -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.FleetBenchmark \
 *     [lifetimeSeconds] [lifetimes]
 * </pre>
 */
public final class FleetBenchmark {

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long lifetimeSeconds = args.length > 0 ? Long.parseLong(args[0]) : 6;
        int lifetimes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = 32;
        System.out.printf(Locale.ROOT, "token lifetime %d s, %d lifetimes, %d threads per replica, %d cores%n",
                lifetimeSeconds, lifetimes, threads, Runtime.getRuntime().availableProcessors());
        System.out.println("| replicas | sharing | token requests | per lifetime | duplicates | calls/s (fleet) | p50 (µs)"
                + " | p99 (µs) | p99.99 (µs) | max (ms) | calls ≥ 1 ms | calls ≥ 20 ms | waited for a token | failed calls |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int port = 6101;
        for (int replicas : new int[] {1, 3, 5}) {
            for (boolean shared : new boolean[] {false, true}) {
                run(replicas, shared, threads, lifetimeSeconds, lifetimes, port);
                port += 10;
            }
        }
    }

    private static void run(int replicas, boolean shared, int threads, long lifetimeSeconds, int lifetimes, int port)
            throws Exception {
        long durationMillis = lifetimeSeconds * 1000 * lifetimes;
        String cluster = "fleet-bench-" + UUID.randomUUID();
        List<Replica> fleet = new ArrayList<>();
        try (TokenEndpointStub endpoint = new TokenEndpointStub(20, lifetimeSeconds)) {
            for (int i = 0; i < replicas; i++) {
                fleet.add(Replica.start(shared, cluster, port + i, port, endpoint.uri("/token").toString(), threads,
                        durationMillis));
            }
            for (Replica replica : fleet) {
                replica.expect("ready", Duration.ofSeconds(120));
            }
            if (shared) {
                for (Replica replica : fleet) {
                    replica.awaitMembers(replicas);
                }
            }
            fleet.forEach(replica -> replica.send("go"));
            long[] histogram = new long[FleetBenchMember.BUCKETS];
            long calls = 0;
            long failures = 0;
            long waits = 0;
            for (Replica replica : fleet) {
                String[] result = replica.expect("result", Duration.ofMillis(durationMillis + 120_000)).split(" ");
                calls += Long.parseLong(result[1]);
                failures += Long.parseLong(result[2]);
                waits += Long.parseLong(result[3]);
                if (result.length > 4) {
                    for (String entry : result[4].split(",")) {
                        if (!entry.isEmpty()) {
                            String[] bucket = entry.split(":");
                            histogram[Integer.parseInt(bucket[0])] += Long.parseLong(bucket[1]);
                        }
                    }
                }
            }
            int requests = endpoint.tokenRequests();
            // a token is refreshed about a second before it expires: requests less than half a lifetime apart
            // fetched the same generation twice
            int duplicates = endpoint.duplicateRequests(lifetimeSeconds * 1000 / 2);
            System.out.printf(Locale.ROOT,
                    "| %d | %s | %d | %.1f | %d | %.2e | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %d |%n",
                    replicas, shared ? "yes" : "no", requests, requests / (double) lifetimes, duplicates,
                    calls / (durationMillis / 1000.0), micros(histogram, calls, 0.50), micros(histogram, calls, 0.99),
                    micros(histogram, calls, 0.9999), max(histogram) / 1000.0, atLeast(histogram, 1_000_000),
                    atLeast(histogram, 20_000_000), waits, failures);
        } finally {
            fleet.forEach(Replica::stop);
        }
    }

    private static double micros(long[] histogram, long total, double quantile) {
        long rank = (long) Math.ceil(total * quantile);
        long seen = 0;
        for (int bucket = 0; bucket < histogram.length; bucket++) {
            seen += histogram[bucket];
            if (seen >= rank) {
                return (bucket + 1) * FleetBenchMember.BUCKET_NANOS / 1000.0;
            }
        }
        return Double.NaN;
    }

    private static long atLeast(long[] histogram, long nanos) {
        long count = 0;
        for (int bucket = (int) Math.min(nanos / FleetBenchMember.BUCKET_NANOS, histogram.length - 1);
             bucket < histogram.length; bucket++) {
            count += histogram[bucket];
        }
        return count;
    }

    private static double max(long[] histogram) {
        for (int bucket = histogram.length - 1; bucket >= 0; bucket--) {
            if (histogram[bucket] > 0) {
                return (bucket + 1) * FleetBenchMember.BUCKET_NANOS / 1000.0;
            }
        }
        return 0;
    }

    /** A replica process and its output lines. */
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
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Replica start(boolean shared, String cluster, int port, int basePort, String tokenUrl, int threads,
                             long durationMillis) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m",
                    "-Dfleet.refreshBeforeMillis=" + Long.getLong("fleet.refreshBeforeMillis", 1000),
                    "-cp", System.getProperty("java.class.path"),
                    FleetBenchMember.class.getName(), String.valueOf(shared), cluster, String.valueOf(port),
                    String.valueOf(basePort), tokenUrl, String.valueOf(threads), String.valueOf(durationMillis));
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            return new Replica(builder.start());
        }

        void send(String command) {
            input.println(command);
        }

        String expect(String prefix, Duration within) throws InterruptedException {
            Instant deadline = Instant.now().plus(within);
            while (Instant.now().isBefore(deadline)) {
                String line = lines.poll(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                        TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IllegalStateException("no '" + prefix + "' from a replica within " + within);
        }

        void awaitMembers(int members) throws InterruptedException {
            Instant deadline = Instant.now().plusSeconds(120);
            while (Instant.now().isBefore(deadline)) {
                send("members");
                if (Integer.parseInt(expect("members", Duration.ofSeconds(30)).split(" ")[1]) >= members) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            throw new IllegalStateException(members + " members did not join");
        }

        void stop() {
            send("exit");
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
