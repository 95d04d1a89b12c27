package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.fixtures.MutableClock;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Scale, measured in a JVM of its own per dimension (each against its floor in the same run):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ScaleHarness footprint 10000
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ScaleHarness refresh 10000
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ScaleHarness churn 1000
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ScaleHarness virtual-threads 10000  (Java 21+)
 * </pre>
 * <ul>
 *   <li>{@code footprint N}: heap retained per idle client holding a token (heap after full GCs, N clients against
 *       none), and what it is made of (the JVM's class histogram, per client);</li>
 *   <li>{@code refresh N}: N clients, every token due for refresh at once: CPU per refresh, threads, time, against
 *       bare JDK {@code HttpClient} POSTs of the same requests;</li>
 *   <li>{@code churn C}: a cache of capacity C and a working set of 2C and 10C clients: token requests per client
 *       per token lifetime, evictions, peak size;</li>
 *   <li>{@code virtual-threads N}: N virtual threads ask one client at once, at a cold start and at an expiry: token
 *       requests, pinned carriers (JFR {@code jdk.VirtualThreadPinned}), time until all are served.</li>
 * </ul>
 */
public final class ScaleHarness {

    private static final Duration LIFETIME = Duration.ofHours(1);

    private ScaleHarness() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "footprint";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        System.out.println("# " + mode + " " + n + " on " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cpus");
        switch (mode) {
            case "footprint":
                footprint(n);
                break;
            case "refresh":
                refresh(n);
                break;
            case "churn":
                churn(n, args.length > 2 ? Integer.parseInt(args[2]) : 20);
                break;
            case "virtual-threads":
                virtualThreads(n);
                break;
            default:
                throw new IllegalArgumentException("mode: footprint | refresh | churn | virtual-threads");
        }
        System.exit(0);
    }

    private static OAuthClientConfig tenant(TokenEndpointStub stub, int i) {
        return OAuthClientConfig.builder().tokenUrl(stub.uri("/token")).clientId("tenant-" + i)
                .clientSecret("secret-of-tenant-" + i).build();
    }

    // --- footprint ---

    private static void footprint(int n) throws Exception {
        try (TokenEndpointStub stub = new TokenEndpointStub(0, 3600)) {
            TokenCache cache = TokenCache.builder().capacity(n + 1).build();
            // the classes, the HTTP client and a refresh thread exist before the baseline: what is measured is per client
            TokenProvider first = cache.provider(tenant(stub, -1));
            String header = first.authorizationHeader();
            OAuthClientConfig[] configs = new OAuthClientConfig[n];
            for (int i = 0; i < n; i++) {
                configs[i] = tenant(stub, i);
            }
            long before = usedAfterGc();
            Map<String, long[]> histogramBefore = histogram();
            TokenProvider[] providers = new TokenProvider[n];
            for (int i = 0; i < n; i++) {
                providers[i] = cache.provider(configs[i]);
                providers[i].authorizationHeader();
            }
            // the application holds its configurations either way; the providers it may drop (the cache keeps them)
            providers = null;
            long after = usedAfterGc();
            Map<String, long[]> histogramAfter = histogram();
            System.out.printf("clients %d, token requests %d, token %d chars (header %d)%n", n, stub.tokenRequests(),
                    header.length() - "Bearer ".length(), header.length());
            System.out.printf("retained per client (heap after GC): %.0f bytes%n", (after - before) / (double) n);
            List<Map.Entry<String, long[]>> grown = new ArrayList<>();
            for (Map.Entry<String, long[]> entry : histogramAfter.entrySet()) {
                long[] was = histogramBefore.getOrDefault(entry.getKey(), new long[2]);
                long[] diff = {entry.getValue()[0] - was[0], entry.getValue()[1] - was[1]};
                if (diff[1] > n * 4L) {
                    grown.add(Map.entry(entry.getKey(), diff));
                }
            }
            grown.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
            System.out.println("| class | instances per client | bytes per client |");
            System.out.println("|---|---|---|");
            long total = 0;
            for (Map.Entry<String, long[]> entry : grown) {
                total += entry.getValue()[1];
                System.out.printf("| %s | %.2f | %.0f |%n", entry.getKey(), entry.getValue()[0] / (double) n,
                        entry.getValue()[1] / (double) n);
            }
            System.out.printf("| (classes above, in all) | | %.0f |%n", total / (double) n);
            cache.close();
            if (configs.length < 0) {
                System.out.println(configs.length); // keeps the configurations reachable until the histogram
            }
        }
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    /** The JVM's class histogram (after a full GC): class name to {instances, bytes}. */
    private static Map<String, long[]> histogram() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 4 && parts[0].endsWith(":")) {
                classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
        }
        return classes;
    }

    // --- refresh ---

    private static void refresh(int n) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TokenEndpointStub stub = new TokenEndpointStub(0, LIFETIME.toSeconds())) {
            // floor: the same number of token requests as bare POSTs, 64 at a time
            HttpClient http = HttpClient.newHttpClient();
            bare(http, stub, 200); // warm
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            ExecutorService posts = java.util.concurrent.Executors.newFixedThreadPool(64);
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                int tenant = i;
                posts.execute(() -> {
                    bare(http, stub, 1, tenant);
                    done.countDown();
                });
            }
            done.await();
            posts.shutdown();
            double bareCpu = (os.getProcessCpuTime() - cpu0) / (double) n / 1000;
            double bareMillis = (System.nanoTime() - t0) / 1e6;

            MutableClock clock = new MutableClock(Instant.now());
            TokenCache cache = TokenCache.builder().clock(clock).capacity(n).build();
            TokenProvider[] providers = new TokenProvider[n];
            for (int i = 0; i < n; i++) {
                providers[i] = cache.provider(tenant(stub, i));
                providers[i].authorizationHeader();
            }
            int requestsBefore = stub.tokenRequests();
            threads.resetPeakThreadCount();
            int threadsBefore = threads.getThreadCount();
            clock.advance(LIFETIME.minusSeconds(30)); // every token is STALE (refreshed 60 s before expiry by default)
            cpu0 = os.getProcessCpuTime();
            t0 = System.nanoTime();
            for (TokenProvider provider : providers) {
                provider.authorizationHeader(); // served at once; starts its background refresh
            }
            double callMillis = (System.nanoTime() - t0) / 1e6;
            while (stub.tokenRequests() - requestsBefore < n) {
                LockSupport.parkNanos(1_000_000);
            }
            double refreshMillis = (System.nanoTime() - t0) / 1e6;
            double refreshCpu = (os.getProcessCpuTime() - cpu0) / (double) n / 1000;
            System.out.printf("clients %d, every token STALE at once%n", n);
            System.out.printf("| what | CPU per token request (µs, whole process, endpoint included) | wall time (ms) |"
                    + " threads |%n|---|---|---|---|%n");
            System.out.printf("| bare HttpClient POSTs, 64 threads (floor) | %.0f | %.0f | 64 |%n", bareCpu,
                    bareMillis);
            System.out.printf("| background refreshes by the library | %.0f | %.0f (the %d calls that started them:"
                            + " %.0f) | %d before, peak %d |%n", refreshCpu, refreshMillis, n, callMillis,
                    threadsBefore, threads.getPeakThreadCount());
            System.out.printf("refresh token requests %d (one per client: %s)%n", stub.tokenRequests() - requestsBefore,
                    stub.tokenRequests() - requestsBefore == n);
            cache.close();
        }
    }

    private static void bare(HttpClient http, TokenEndpointStub stub, int count) {
        for (int i = 0; i < count; i++) {
            bare(http, stub, 1, -1 - i);
        }
    }

    private static void bare(HttpClient http, TokenEndpointStub stub, int count, int tenant) {
        String basic = Base64.getEncoder().encodeToString(("tenant-" + tenant + ":secret-of-tenant-" + tenant)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(stub.uri("/token")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic).header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        try {
            for (int i = 0; i < count; i++) {
                http.send(request, HttpResponse.BodyHandlers.ofString());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- churn ---

    private static void churn(int capacity, int callsPerClient) throws Exception {
        System.out.println("| working set / capacity | clients | calls | token requests | per client per lifetime"
                + " | per call | cache size at the end (capacity) | µs per call (loopback endpoint, 0 ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int factor : new int[] {1, 2, 10}) {
            try (TokenEndpointStub stub = new TokenEndpointStub(0, LIFETIME.toSeconds())) {
                MutableClock clock = new MutableClock(Instant.now());
                TokenCache cache = TokenCache.builder().clock(clock).capacity(capacity).build();
                int clients = capacity * factor;
                OAuthClientConfig[] configs = new OAuthClientConfig[clients];
                for (int i = 0; i < clients; i++) {
                    configs[i] = tenant(stub, i);
                }
                // one token lifetime: each client called callsPerClient times, in a random order, time moving evenly
                List<Integer> calls = new ArrayList<>();
                for (int round = 0; round < callsPerClient; round++) {
                    for (int i = 0; i < clients; i++) {
                        calls.add(i);
                    }
                }
                Collections.shuffle(calls, new Random(23));
                Duration step = LIFETIME.minusMinutes(2).dividedBy(calls.size());
                long start = System.nanoTime();
                for (int tenant : calls) {
                    cache.provider(configs[tenant]).authorizationHeader();
                    clock.advance(step);
                }
                double micros = (System.nanoTime() - start) / 1e3 / calls.size();
                int requests = stub.tokenRequests();
                System.out.printf("| %d× | %d | %d | %d | %.2f | %.3f | %d (%d) | %.0f |%n", factor, clients,
                        calls.size(), requests, requests / (double) clients, requests / (double) calls.size(),
                        cache.size(), cache.capacity(), micros);
                cache.close();
            }
        }
    }

    // --- virtual threads ---

    private static void virtualThreads(int n) throws Exception {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("virtual threads need Java 21+");
        }
        AtomicInteger pinned = new AtomicInteger();
        Set<String> pinnedStacks = ConcurrentHashMap.newKeySet();
        try (jdk.jfr.consumer.RecordingStream recording = new jdk.jfr.consumer.RecordingStream();
             TokenEndpointStub stub = new TokenEndpointStub(50, LIFETIME.toSeconds())) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.onEvent("jdk.VirtualThreadPinned", event -> {
                pinned.incrementAndGet();
                if (event.getStackTrace() != null) {
                    pinnedStacks.add(event.getStackTrace().getFrames().stream().limit(8)
                            .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                            .reduce((a, b) -> a + " < " + b).orElse(""));
                }
            });
            recording.startAsync();
            MutableClock clock = new MutableClock(Instant.now());
            TokenProvider tokens = TokenCache.builder().clock(clock).build().provider(tenant(stub, 0));
            System.out.println("| moment | virtual threads | token requests | time until all are served (ms) |");
            System.out.println("|---|---|---|---|");
            System.out.printf("| floor: waiting on one future completed 50 ms after the start | %d | - | %.0f |%n", n,
                    floorStampede(n));
            for (String moment : new String[] {"cold start", "expiry", "expiry (warm)"}) {
                int before = stub.tokenRequests();
                double millis = stampede(tokens, n);
                System.out.printf("| %s | %d | %d | %.0f |%n", moment, n, stub.tokenRequests() - before, millis);
                clock.advance(LIFETIME);
            }
            // JFR streams its events about once a second
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000_000);
            }
            System.out.println("pinned events (jdk.VirtualThreadPinned, any duration): " + pinned.get());
            pinnedStacks.forEach(stack -> System.out.println("  " + stack));
        }
    }

    /** The same number of virtual threads, each waiting (timed) for one future that completes 50 ms after the start. */
    private static double floorStampede(int n) throws Exception {
        java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
        Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = (ExecutorService) factory.invoke(null);
        for (int i = 0; i < n; i++) {
            threads.execute(() -> {
                try {
                    go.await();
                    answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        long start = System.nanoTime();
        go.countDown();
        java.util.concurrent.CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> answer.complete("token"));
        threads.shutdown();
        threads.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e6;
    }

    private static double stampede(TokenProvider tokens, int n) throws Exception {
        Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        ExecutorService threads = (ExecutorService) factory.invoke(null);
        long start;
        {
            for (int i = 0; i < n; i++) {
                threads.execute(() -> {
                    try {
                        go.await();
                        tokens.authorizationHeader();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                });
            }
            start = System.nanoTime();
            go.countDown();
            threads.shutdown();
            threads.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " callers failed");
        }
        return millis;
    }
}
