package dev.oauthfilter.runtimes.it;

import java.io.File;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One application server process, started with a command line and environment of its own, ready once a URL of the
 * deployed application answers 200, and stopped with every process under it (by {@link #close()}, else when the JVM
 * exits, else by the next start in the same work directory if this JVM was killed). Everything it prints goes to a
 * log file, named (and its end quoted) in every failure.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 60;

    private final Process process;
    private final Path log;
    private final Path pidFile;
    private final Duration startup;
    private final Thread stopOnExit;

    private ServerProcess(Process process, Path log, Path pidFile, Duration startup, Thread stopOnExit) {
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
        this.startup = startup;
        this.stopOnExit = stopOnExit;
    }

    /**
     * @param command     the server's command line
     * @param environment variables set for it (nothing of the caller's {@code OAUTH_*}, {@code JAVA_OPTS} or tool
     *                    options is passed on)
     * @param work        a directory of its own: its pid file and log go there
     * @param ready       answers 200 once the application is deployed
     * @param failed      tells, from the log, that the application could not be deployed (then the start fails at once)
     * @param timeout     how long the server may take
     * @throws IllegalStateException naming the log, and quoting its end, when the server does not become ready
     */
    static ServerProcess start(List<String> command, Map<String, String> environment, Path work, URI ready,
                               Predicate<String> failed, Duration timeout) {
        Path pidFile = work.resolve("server.pid");
        Path log = work.resolve("server.log");
        stopLeftOver(work);
        long began = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("OAUTH_") || name.startsWith("JAVA_OPTS")
                || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.startsWith("PROBE_"));
        env.putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        }
        Thread stopOnExit = new Thread(() -> stopTree(process.toHandle()), "server-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
            awaitReady(process, ready, failed, timeout, log);
        } catch (IOException | RuntimeException e) {
            stop(process, stopOnExit, pidFile);
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return new ServerProcess(process, log, pidFile, Duration.ofNanos(System.nanoTime() - began), stopOnExit);
    }

    /** @return from launch until the application answered */
    Duration startup() {
        return startup;
    }

    /** @return the file with everything the server printed */
    Path log() {
        return log;
    }

    /** Stops the server: SIGTERM to every process of its tree, SIGKILL to what still runs 20 s later. */
    @Override
    public void close() {
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

    private static void awaitReady(Process process, URI ready, Predicate<String> failed, Duration timeout, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
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
                throw new IllegalStateException("interrupted while waiting for the server", e);
            }
            if (failed.test(logText(log))) {
                throw failure(log, "the application could not be deployed");
            }
            // the pause between polls waits on the process itself: one that exits ends the wait at once
            if (exitedWithin(process, POLL_INTERVAL)) {
                throw failure(log, "the server exited with status " + process.exitValue() + " before " + ready
                        + " answered");
            }
        }
        throw failure(log, ready + " did not answer 200 within " + timeout.toSeconds() + " s (last: " + lastAnswer
                + "; a slow machine can allow more with -Dprobe.start.timeout=<s>)");
    }

    private static boolean exitedWithin(Process process, Duration wait) {
        try {
            return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server", e);
        }
    }

    private static IllegalStateException failure(Path log, String what) {
        return new IllegalStateException(what + ". Its output is in " + log + ", which ends with:\n" + logTail(log));
    }

    private static String logText(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    static String logTail(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // a launch script runs Java as its child: the whole tree is stopped, children first
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

    /**
     * A JVM killed outright runs no shutdown hook: its server would run on. The next start stops it, if the recorded
     * process still runs with this same work directory on its command line (not a recycled pid).
     */
    static void stopLeftOver(Path work) {
        Path pidFile = work.resolve("server.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            String marker = work.toString();
            ProcessHandle.of(pid).filter(handle -> runsIn(handle, marker) || handle.descendants()
                    .anyMatch(child -> runsIn(child, marker))).ifPresent(ServerProcess::stopTree);
            Files.delete(pidFile);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + pidFile + "; delete it", e);
        }
    }

    private static boolean runsIn(ProcessHandle process, String work) {
        return process.info().commandLine().map(line -> line.contains(work)).orElse(false);
    }
}
