package dev.oauthfilter.testing;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One server process (Keycloak, an application server), started with a command line and environment of its own, ready
 * once a URL answers 200, and stopped with every process under it (by {@link #close()}, else when the JVM exits, else
 * by the next start with the same pid file if this JVM was killed). Everything it prints goes to a log file, named (and
 * its end quoted) in every failure.
 * <pre>{@code
 * try (ServerProcess server = ServerProcess.launch("WildFly", command).in(work)
 *         .environment("JAVA_HOME", javaHome.toString()).readyWhen(URI.create("http://localhost:8080/app/ready"))
 *         .within(Duration.ofMinutes(3), "-Dprobe.start.timeout=<s>").start()) {
 *     ...
 * }
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {

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
     * @param name    what the server is, for messages ("Keycloak", "WildFly")
     * @param command the server's command line
     * @return the launch to complete: {@link Launch#in(Path)}, {@link Launch#readyWhen(URI)} and
     *         {@link Launch#within(Duration, String)} are required
     */
    public static Launch launch(String name, List<String> command) {
        return new Launch(name, command);
    }

    /** What to start, where, and how to tell that it is ready; {@link #start()} starts it. */
    public static final class Launch {
        private final String name;
        private final List<String> command;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> withheldPrefixes = new ArrayList<>(List.of("JAVA_OPTS"));
        private Path directory;
        private Path log;
        private Path pidFile;
        private URI ready;
        private Predicate<String> failed = text -> false;
        private String failure;
        private Duration timeout;
        private String timeoutSetting;

        private Launch(String name, List<String> command) {
            this.name = Objects.requireNonNull(name, "name");
            this.command = List.copyOf(command);
        }

        /**
         * @param directory the server's working directory; unless told otherwise its log ({@code server.log}) and pid
         *                  file ({@code server.pid}) go there, and a left-over process is recognized by this path on
         *                  its command line
         */
        public Launch in(Path directory) {
            this.directory = directory.toAbsolutePath().normalize();
            return this;
        }

        /** @param log the file that receives everything the server prints */
        public Launch log(Path log) {
            this.log = log.toAbsolutePath();
            return this;
        }

        /** @param pidFile where the running server's process id is kept, for the next start to stop a left-over one */
        public Launch pidFile(Path pidFile) {
            this.pidFile = pidFile.toAbsolutePath();
            return this;
        }

        /** @return this, with the variable set for the server */
        public Launch environment(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        /** @return this, with these variables set for the server */
        public Launch environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /**
         * @param prefixes names of variables of the caller's environment that are not passed on (a developer's own
         *                 settings for the server); {@code JAVA_OPTS*}, {@code JAVA_TOOL_OPTIONS} and
         *                 {@code JDK_JAVA_OPTIONS} never are
         */
        public Launch withoutInherited(String... prefixes) {
            withheldPrefixes.addAll(List.of(prefixes));
            return this;
        }

        /** @param url answers 200 once the server is ready */
        public Launch readyWhen(URI url) {
            this.ready = url;
            return this;
        }

        /**
         * @param logSaysFailed tells, from the log, that the server cannot become ready (the start then fails at once)
         * @param what          what failed, for the message ("the application could not be deployed")
         */
        public Launch failedWhen(Predicate<String> logSaysFailed, String what) {
            this.failed = logSaysFailed;
            this.failure = what;
            return this;
        }

        /**
         * @param timeout how long the server may take to become ready
         * @param setting how a slow machine allows more, for the message when the time is up ("-Dx.start.timeout=<s>")
         */
        public Launch within(Duration timeout, String setting) {
            this.timeout = timeout;
            this.timeoutSetting = setting;
            return this;
        }

        /**
         * Stops a left-over of a killed earlier run, starts the server and waits until it is ready.
         *
         * @throws IllegalStateException naming the log, and quoting its end, when the server does not become ready
         */
        public ServerProcess start() {
            Objects.requireNonNull(directory, "in(directory)");
            Objects.requireNonNull(ready, "readyWhen(url)");
            Objects.requireNonNull(timeout, "within(timeout, setting)");
            return ServerProcess.start(this, log == null ? directory.resolve("server.log") : log,
                    pidFile == null ? directory.resolve("server.pid") : pidFile);
        }
    }

    private static ServerProcess start(Launch launch, Path log, Path pidFile) {
        stopLeftOver(pidFile, launch.directory.toString());
        long began = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(launch.command).directory(launch.directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        // nothing of a developer's own settings for this server or its JVM leaks in
        env.keySet().removeIf(name -> name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS")
                || launch.withheldPrefixes.stream().anyMatch(name::startsWith));
        env.putAll(launch.environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + launch.command.get(0), e);
        }
        Thread stopOnExit = new Thread(() -> stopTree(process.toHandle()),
                launch.name.toLowerCase(Locale.ROOT).replace(' ', '-') + "-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
            awaitReady(process, launch, log);
        } catch (IOException | RuntimeException e) {
            stop(process, stopOnExit, pidFile);
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return new ServerProcess(process, log, pidFile, Duration.ofNanos(System.nanoTime() - began), stopOnExit);
    }

    /** @return from launch until the server was ready */
    public Duration startup() {
        return startup;
    }

    /** @return the file with everything the server printed */
    public Path log() {
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

    private static void awaitReady(Process process, Launch launch, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(launch.ready).timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + launch.timeout.toNanos();
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
                throw new IllegalStateException("interrupted while waiting for " + launch.name, e);
            }
            if (launch.failed.test(logText(log))) {
                throw failure(log, launch.name + ": " + launch.failure);
            }
            // the pause between polls waits on the process itself: one that exits ends the wait at once
            if (exitedWithin(process, POLL_INTERVAL, launch.name)) {
                throw failure(log, launch.name + " exited with status " + process.exitValue() + " before "
                        + launch.ready + " answered");
            }
        }
        throw failure(log, launch.name + ": " + launch.ready + " did not answer 200 within "
                + launch.timeout.toSeconds() + " s (last: " + lastAnswer + "; a slow machine can allow more with "
                + launch.timeoutSetting + ")");
    }

    private static boolean exitedWithin(Process process, Duration wait, String name) {
        try {
            return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
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

    private static String logTail(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    // a launch script runs Java as its child, or replaces itself with it: the whole tree is stopped
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
     * Stops what a killed earlier run left in {@code directory} (started with {@link Launch#in(Path)} and its default
     * pid file), before the directory is cleared for a new start; {@link Launch#start()} does it too.
     */
    public static void stopLeftOver(Path directory) {
        stopLeftOver(directory, directory.resolve("server.pid"));
    }

    /** As {@link #stopLeftOver(Path)}, for a server started with this {@link Launch#pidFile(Path)}. */
    public static void stopLeftOver(Path directory, Path pidFile) {
        stopLeftOver(pidFile.toAbsolutePath(), directory.toAbsolutePath().normalize().toString());
    }

    /**
     * A JVM killed outright runs no shutdown hook: its server would run on. The next start stops it, if the recorded
     * process (or one of its children) still has the server's directory on its command line (not a recycled pid).
     */
    private static void stopLeftOver(Path pidFile, String marker) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            ProcessHandle.of(pid).filter(handle -> runsIn(handle, marker) || handle.descendants()
                    .anyMatch(child -> runsIn(child, marker))).ifPresent(ServerProcess::stopTree);
            Files.delete(pidFile);
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + pidFile + "; delete it", e);
        }
    }

    private static boolean runsIn(ProcessHandle process, String marker) {
        return process.info().commandLine().map(line -> line.contains(marker)).orElse(false);
    }
}
