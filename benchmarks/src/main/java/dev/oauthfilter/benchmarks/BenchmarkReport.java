package dev.oauthfilter.benchmarks;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs every benchmark with settings sized for a 2-core machine (about 5 minutes in all) and prints Markdown tables
 * with the ratios to the floor and to the peers; also writes them to {@code target/benchmarks.md}.
 */
public final class BenchmarkReport {

    private final List<String> out = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new BenchmarkReport().run();
    }

    private void run() throws RunnerException, IOException {
        out.add("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ". JMH 1.37, 1 fork per benchmark (3 for end to end). Errors are 99.9% confidence "
                + "intervals as JMH reports them.");
        filterCost();
        throughput();
        refreshWindow();
        stampede();
        endToEnd();
        peers();
        Path report = Path.of("target", "benchmarks.md");
        Files.createDirectories(report.getParent());
        Files.write(report, out, StandardCharsets.UTF_8);
        out.forEach(System.out::println);
    }

    private static ChainedOptionsBuilder options(Class<?> benchmark) {
        return new OptionsBuilder().include(benchmark.getName() + "\\.").forks(1)
                .jvmArgsAppend("-Xmx1g").shouldFailOnError(true);
    }

    private void filterCost() throws RunnerException {
        Collection<RunResult> results = new Runner(options(FilterCostBenchmark.class)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1)).build()).run();
        Result floor = primary(results, "floor");
        Result filter = primary(results, "oauthFilter");
        section("1. Filter cost with a cached token (ns/op, lower is better)",
                "| filter | ns/op | ratio to the floor |", "|---|---|---|",
                row("constant header (the floor)", floor, "1.00"),
                row("OAuthClientFilter", filter, ratio(filter.getScore(), floor.getScore())));
    }

    private void throughput() throws RunnerException {
        List<String> rows = new ArrayList<>(List.of("| threads | ops/µs (all threads) | allocated B/op |", "|---|---|---|"));
        for (int threads : new int[] {1, 2, 4, 16}) {
            Collection<RunResult> results = new Runner(options(ProviderThroughputBenchmark.class).threads(threads)
                    .addProfiler(GCProfiler.class)
                    .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1)).build()).run();
            RunResult result = results.iterator().next();
            Result primary = result.getPrimaryResult();
            rows.add(String.format("| %d | %.1f ± %.1f | %s |", threads, primary.getScore(), primary.getScoreError(),
                    allocation(result)));
        }
        section("2. TokenProvider.authorizationHeader(), cached path, by thread count", rows.toArray(String[]::new));
    }

    private void refreshWindow() throws RunnerException {
        Collection<RunResult> results = new Runner(options(RefreshWindowBenchmark.class)
                .warmupIterations(5).warmupTime(TimeValue.milliseconds(150))
                .measurementIterations(20).measurementTime(TimeValue.milliseconds(150)).build()).run();
        List<String> rows = new ArrayList<>(List.of("| token | p50 (ns) | p99 (ns) | p99.9 (ns) | max (ns) | samples |",
                "|---|---|---|---|---|---|"));
        Map<String, Statistics> byState = new TreeMap<>();
        for (RunResult result : results) {
            Statistics s = result.getPrimaryResult().getStatistics();
            byState.put(result.getParams().getParam("state"), s);
            rows.add(String.format("| %s | %.0f | %.0f | %.0f | %.0f | %d |",
                    result.getParams().getParam("state").equals("stale")
                            ? "STALE, refresh in flight (200 ms endpoint)" : "FRESH (cached path)",
                    s.getPercentile(50), s.getPercentile(99), s.getPercentile(99.9), s.getMax(), s.getN()));
        }
        rows.add("");
        rows.add(String.format("p99 ratio stale / fresh: %s", ratio(byState.get("stale").getPercentile(99),
                byState.get("fresh").getPercentile(99))));
        section("3. Latency of authorizationHeader() while a refresh is in flight", rows.toArray(String[]::new));
    }

    private void stampede() throws RunnerException, IOException {
        Path counts = Path.of("target", "stampede-counts.txt").toAbsolutePath();
        Files.createDirectories(counts.getParent());
        Files.deleteIfExists(counts);
        Collection<RunResult> results = new Runner(options(StampedeBenchmark.class)
                .jvmArgsAppend("-Dstampede.out=" + counts)
                .warmupIterations(3).measurementIterations(15).build()).run();
        Map<String, IntSummaryStatistics> requests = new TreeMap<>();
        for (String line : Files.readAllLines(counts)) {
            String[] parts = line.split(" ");
            requests.computeIfAbsent(parts[0], k -> new IntSummaryStatistics()).accept(Integer.parseInt(parts[1]));
        }
        List<String> rows = new ArrayList<>(List.of(
                "| implementation | token requests per stampede (min / max over all iterations) "
                        + "| caller latency p50 (ms) | p99 (ms) | max (ms) |",
                "|---|---|---|---|---|"));
        for (RunResult result : results) {
            String implementation = result.getParams().getParam("implementation");
            Statistics s = result.getPrimaryResult().getStatistics();
            IntSummaryStatistics r = requests.get(implementation);
            rows.add(String.format("| %s | %d / %d | %.1f | %.1f | %.1f |", implementation, r.getMin(), r.getMax(),
                    s.getPercentile(50), s.getPercentile(99), s.getMax()));
        }
        section("4. Stampede: 64 threads at expiry, 50 ms token endpoint", rows.toArray(String[]::new));
    }

    private void endToEnd() throws RunnerException {
        // Jersey and the JDK server keep getting faster for ~10 s and vary from one JVM to the next by more than the
        // filter costs: warm up long, and average three forks of each
        Collection<RunResult> results = new Runner(options(EndToEndBenchmark.class).forks(3)
                .warmupIterations(5).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2)).build()).run();
        Result plain = primary(results, "noFilter");
        Result filtered = primary(results, "withOAuthFilter");
        section("5. End to end: Jersey client to an in-JVM HTTP server, 2 threads (requests/s, higher is better)",
                "| client | requests/s | ratio to no filter |", "|---|---|---|",
                row("no filter", plain, "1.00"),
                row("with OAuthClientFilter (cached token)", filtered, ratio(filtered.getScore(), plain.getScore())));
    }

    private void peers() throws RunnerException {
        Collection<RunResult> results = new Runner(options(PeerCachedPathBenchmark.class)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1)).build()).run();
        Result ours = primary(results, "oauthFilter");
        Result spring = primary(results, "springSecurity");
        Result seed = primary(results, "seedSdkStyle");
        section("6. Getting the Authorization header when a valid token exists, against the peers (ns/op)",
                "| implementation | ns/op | oauth-filter / it |", "|---|---|---|",
                row("oauth-filter TokenProvider", ours, "1.00"),
                row("Spring Security AuthorizedClientServiceOAuth2AuthorizedClientManager", spring,
                        ratio(ours.getScore(), spring.getScore())),
                row("seed SDK behaviour (token request per call, 0 ms loopback endpoint)", seed,
                        ratio(ours.getScore(), seed.getScore())));
    }

    private static Result primary(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result for " + method)).getPrimaryResult();
    }

    private static String allocation(RunResult result) {
        return result.getSecondaryResults().entrySet().stream()
                .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm"))
                .map(e -> String.format("%.2f ± %.2f", e.getValue().getScore(), e.getValue().getScoreError()))
                .findFirst().orElse("n/a");
    }

    private static String row(String name, Result result, String ratio) {
        return String.format("| %s | %s ± %s | %s |", name, number(result.getScore()), number(result.getScoreError()),
                ratio);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "n/a" : value >= 100 ? String.format("%.0f", value) : String.format("%.2f", value);
    }

    private static String ratio(double a, double b) {
        return String.format("%.2f", a / b);
    }

    private void section(String title, String... lines) {
        out.add("");
        out.add("### " + title);
        out.add("");
        out.addAll(List.of(lines));
    }
}
