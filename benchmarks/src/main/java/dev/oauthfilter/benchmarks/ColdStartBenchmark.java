package dev.oauthfilter.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of the first token: what the first call after a deployment costs. The token endpoint
 * ({@link TokenEndpointStub}, 0 ms) runs in this JVM; every measurement runs in a fresh child JVM
 * ({@link ColdStartChild}) that measures one thing with {@code System.nanoTime()} around it:
 * <ul>
 *   <li>{@code bare}: a JDK {@code HttpClient} (HTTP/1.1, as the library's) POSTs the library's token request and
 *       reads the JSON body as a String: the floor;</li>
 *   <li>{@code library}: {@code TokenProvider.of(config).authorizationHeader()}, from building the configuration to
 *       having the header;</li>
 *   <li>{@code bare-after-bare} and {@code library-after-bare}: the same after one bare POST with another
 *       {@code HttpClient} (the JDK's HTTP classes loaded: a JVM that is warm otherwise).</li>
 * </ul>
 * The modes take turns, round after round, so that the machine's drift spreads over all of them; one round first is
 * not counted (the endpoint's own first requests, the file cache).
 *
 * <pre>
 * java [-Dcoldstart.jvmArgs="-Xshare:auto ..."] -cp benchmarks/target/benchmarks.jar \
 *     dev.oauthfilter.benchmarks.ColdStartBenchmark [runs per mode, 15] [path of a java binary ...]
 * java -cp benchmarks/target/benchmarks.jar dev.oauthfilter.benchmarks.ColdStartBenchmark --serve
 * </pre>
 * With no {@code java} given, the children run on this JVM's. {@code --serve} only runs the endpoint and prints its
 * URL, for a child run by hand ({@code ColdStartChild <mode> <url>}, e.g. under {@code -Xlog:class+load}).
 */
public final class ColdStartBenchmark {

    static final List<String> MODES = List.of("bare", "library", "bare-after-bare", "library-after-bare");

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--serve")) {
            serve();
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<String> javas = args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try (TokenEndpointStub endpoint = new TokenEndpointStub(0, 3600)) {
            String url = endpoint.uri("/token").toString();
            for (String java : javas) {
                report(java, measure(java, url, runs));
            }
        }
    }

    private static void serve() throws InterruptedException {
        try (TokenEndpointStub endpoint = new TokenEndpointStub(0, 3600)) {
            System.out.println(endpoint.uri("/token"));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static Map<String, long[]> measure(String java, String url, int runs) throws IOException,
            InterruptedException {
        Map<String, long[]> nanos = new LinkedHashMap<>();
        MODES.forEach(mode -> nanos.put(mode, new long[runs]));
        for (int round = -1; round < runs; round++) {
            for (String mode : MODES) {
                long measured = child(java, mode, url);
                if (round >= 0) {
                    nanos.get(mode)[round] = measured;
                }
            }
        }
        return nanos;
    }

    private static long child(String java, String mode, String url) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        String jvmArgs = System.getProperty("coldstart.jvmArgs", "").strip();
        if (!jvmArgs.isEmpty()) {
            command.addAll(Arrays.asList(jvmArgs.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdStartChild.class.getName(), mode,
                url));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(mode + ": the child failed: " + output);
        }
        for (String line : output.split("\n")) {
            if (line.startsWith(ColdStartChild.RESULT)) {
                return Long.parseLong(line.substring(ColdStartChild.RESULT.length()).strip());
            }
        }
        throw new IllegalStateException(mode + ": no result from the child: " + output);
    }

    private static void report(String java, Map<String, long[]> nanos) throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%n%s (%s), %d cores%n", java, version(java),
                Runtime.getRuntime().availableProcessors());
        System.out.println("| mode | N | median (ms) | min-max (ms) |");
        System.out.println("|---|---|---|---|");
        Map<String, Double> medians = new LinkedHashMap<>();
        nanos.forEach((mode, values) -> {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
            medians.put(mode, median);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f-%.1f |%n", mode, sorted.length, median / 1e6,
                    sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
        });
        System.out.printf(Locale.ROOT, "library / bare (fully cold): %.2f; library-after-bare / bare-after-bare"
                        + " (target <= 1.5): %.2f%n", medians.get("library") / medians.get("bare"),
                medians.get("library-after-bare") / medians.get("bare-after-bare"));
    }

    private static String version(String java) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java, "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        String version = "?";
        for (String line : output.split("\n")) {
            if (line.strip().startsWith("java.runtime.version =")) {
                version = line.substring(line.indexOf('=') + 1).strip();
            }
        }
        return version;
    }
}
