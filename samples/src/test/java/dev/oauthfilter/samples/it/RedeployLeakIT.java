package dev.oauthfilter.samples.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarting an application that uses the library leaves nothing of it behind: no thread of the library (the JDK HTTP
 * clients' selector threads, the refresh and HTTP pools) and no live copy of its classes, i.e. no old application kept
 * reachable. Two ways to restart, as users do: the {@code ApplicationMBean} (an administrator, a redeploy tool), and
 * removing the application's {@code <webApplication>} from the running server's configuration and adding it back (a
 * configuration drop-in edited, as {@code liberty:dev} and {@code server.xml} edits do).
 *
 * <p>The probe application reads an entity of its own through a Rest Client and a JAX-RS client, as the sample's
 * backend does, each with a JSON-B of its own: without it, Liberty's JSON-B provider keeps every stopped application
 * (the sample's {@code ClientJsonbResolver} says why).
 *
 * <p>About the figures: Liberty keeps the log records of a server's first five minutes (its early-message buffer,
 * {@code BaseTraceService.earlierMessages}) through soft references, RESTEasy's "Deploying Application: class ..."
 * among them, which name the application's class; a timer drops the buffer when the server is five minutes old. This
 * test runs in those five minutes: the server runs with {@code -XX:SoftRefLRUPolicyMSPerMB=0} (see the pom), which
 * clears soft references at every GC, so that what it counts after a GC is what a server past five minutes (or short
 * of memory) keeps, without waiting for it. Without that flag, every application restarted in the first five minutes
 * stays until then. Run with {@code -Dredeploy.heapDump=<folder>} to get a heap dump and a thread dump of the server
 * at the end of each test ({@code redeploy-mbean.hprof}, {@code redeploy-configuration.hprof}).
 */
@ExtendWith(ArquillianExtension.class)
class RedeployLeakIT {

    private static final String APP = "oauth-filter-redeploy";
    // the same probe, deployed by a configuration drop-in of its own
    private static final String CONFIGURED_APP = "oauth-filter-redeploy-config";
    private static final String DROPIN = "redeploy-it.xml";
    private static final int RESTARTS = 5;
    private static final int CONFIGURATION_RESTARTS = 2;
    // the application's clients (one instance per copy of the library, kept by that copy's class) live exactly as long
    // as the library's class loader: a live copy means a live old application. A class with instances: the histogram
    // counts instances, so an interface (TokenCache since the redesign) is never counted, whatever stays alive
    private static final String LIBRARY_CLASS = "dev.oauthfilter.internal.clients.ApplicationClients";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ProbeDeployment.archive(APP);
    }

    @Test
    void restartingTheApplicationLeavesNoThreadAndNoCopyOfTheLibraryBehind() throws Exception {
        try (LibertyJmx jmx = LibertyJmx.connect()) {
            // two restarts before the baseline: Liberty's shared java.util.logging loggers keep the class of the
            // application that first asked for each logger name (TraceComponent.aClass), a one-time pin of one
            // old copy that does not grow with later restarts
            restartAndExercise(jmx);
            restartAndExercise(jmx);
            Footprint baseline = settledFootprint(jmx, null);

            for (int i = 0; i < RESTARTS; i++) {
                restartAndExercise(jmx);
            }
            Footprint after = settledFootprint(jmx, baseline);
            System.out.printf("RedeployLeakIT (ApplicationMBean): after 2 restarts %s; after %d more %s%n", baseline,
                    RESTARTS, after);
            dumpIfAsked(jmx, "mbean");
            assertNoGrowth(baseline, after, RESTARTS + " restarts through the ApplicationMBean");
        }
    }

    @Test
    void removingTheApplicationFromTheConfigurationAndAddingItBackLeavesNothingBehind() throws Exception {
        Path war = Path.of(System.getProperty("it.libs")).getParent().resolve("it-redeploy")
                .resolve(CONFIGURED_APP + ".war");
        Files.createDirectories(war.getParent());
        ProbeDeployment.archive(CONFIGURED_APP).as(ZipExporter.class).exportTo(war.toFile(), true);
        Path dropin = ConfigDropins.path(DROPIN);
        Files.createDirectories(dropin.getParent());
        try (LibertyJmx jmx = LibertyJmx.connect()) {
            addToConfiguration(dropin, war);
            // one restart before the baseline: the copy that first asked for a logger name of its own stays (above)
            restartByConfiguration(dropin, war);
            Footprint baseline = settledFootprint(jmx, null);

            for (int i = 0; i < CONFIGURATION_RESTARTS; i++) {
                restartByConfiguration(dropin, war);
            }
            Footprint after = settledFootprint(jmx, baseline);
            System.out.printf("RedeployLeakIT (configuration): after 1 restart %s; after %d more %s%n", baseline,
                    CONFIGURATION_RESTARTS, after);
            dumpIfAsked(jmx, "configuration");
            assertNoGrowth(baseline, after, CONFIGURATION_RESTARTS + " removals from the configuration and re-adds");
        } finally {
            Files.deleteIfExists(dropin);
            ConfigDropins.awaitStatus(CONFIGURED_APP, "/api/target/received/ready", false);
        }
    }

    private static void restartAndExercise(LibertyJmx jmx) throws Exception {
        jmx.restart(APP);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!"STARTED".equals(jmx.state(APP))) {
            assertThat(Instant.now()).as("application started again").isBefore(deadline);
            Thread.sleep(100);
        }
        exercise(APP);
    }

    /** Adds the application to the running server's configuration (a drop-in of its own), waits, and uses it. */
    private static void addToConfiguration(Path dropin, Path war) throws Exception {
        Files.writeString(dropin, String.join("\n",
                "<server>",
                "  <webApplication id=\"" + CONFIGURED_APP + "\" location=\"" + war.toAbsolutePath()
                        + "\" contextRoot=\"/" + CONFIGURED_APP + "\"/>",
                "</server>"), StandardCharsets.UTF_8);
        ConfigDropins.awaitStatus(CONFIGURED_APP, "/api/target/received/ready", true);
        exercise(CONFIGURED_APP);
    }

    /** Removes the application from the configuration (Liberty stops it), then adds it back (a new class loader). */
    private static void restartByConfiguration(Path dropin, Path war) throws Exception {
        Files.delete(dropin);
        ConfigDropins.awaitStatus(CONFIGURED_APP, "/api/target/received/ready", false);
        addToConfiguration(dropin, war);
    }

    private static void exercise(String application) {
        String outcome = LibertyClientGuaranteesIT.call(application, "/api/call/exercise", null);
        assertThat(outcome).as("every client used once").startsWith("status:200").endsWith("json:true json:true");
    }

    private static void dumpIfAsked(LibertyJmx jmx, String way) throws Exception {
        String folder = System.getProperty("redeploy.heapDump");
        if (folder != null) {
            Path heapDump = Path.of(folder).resolve("redeploy-" + way + ".hprof");
            Files.createDirectories(heapDump.getParent());
            Files.deleteIfExists(heapDump);
            jmx.dumpHeap(heapDump);
            Files.writeString(Path.of(heapDump + ".threads"), jmx.threadDump());
        }
    }

    private static void assertNoGrowth(Footprint baseline, Footprint after, String restarts) {
        assertThat(after.selectorThreads).as("HttpClient selector threads after %s (baseline %s)", restarts, baseline)
                .isLessThanOrEqualTo(baseline.selectorThreads);
        assertThat(after.libraryThreads).as("library threads after %s (baseline %s)", restarts, baseline)
                .isLessThanOrEqualTo(baseline.libraryThreads);
        assertThat(after.liveCopies).as("live copies of %s after %s (baseline %s)", LIBRARY_CLASS, restarts, baseline)
                .isLessThanOrEqualTo(baseline.liveCopies);
    }

    /**
     * Collects garbage (pending finalizers first) and measures until the footprint is no larger than {@code limit},
     * or, without a limit, until two measures agree; at most 60 s. The JDK's HTTP client ends its selector thread a
     * few seconds after its client became unreachable (on Java 17; at once on 21+, where the library shuts it down),
     * and only then can the next GC collect the application that the thread kept; an object only a finalizer keeps
     * goes a cycle later.
     */
    private static Footprint settledFootprint(LibertyJmx jmx, Footprint limit) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        Footprint previous = null;
        Footprint now = Footprint.of(jmx);
        while (Instant.now().isBefore(deadline) && (limit == null ? !now.equals(previous) : now.exceeds(limit))) {
            Thread.sleep(500);
            previous = now;
            now = Footprint.of(jmx);
        }
        return now;
    }

    private static final class Footprint {
        final long selectorThreads;
        final long libraryThreads;
        final int liveCopies;

        private Footprint(long selectorThreads, long libraryThreads, int liveCopies) {
            this.selectorThreads = selectorThreads;
            this.libraryThreads = libraryThreads;
            this.liveCopies = liveCopies;
        }

        static Footprint of(LibertyJmx jmx) throws Exception {
            jmx.collectGarbage();
            int copies = jmx.liveCopies(LIBRARY_CLASS);
            List<String> threads = jmx.threadNames();
            return new Footprint(threads.stream().filter(n -> n.matches("HttpClient-\\d+-SelectorManager")).count(),
                    threads.stream().filter(n -> n.startsWith("oauth-filter-")).count(), copies);
        }

        boolean exceeds(Footprint limit) {
            return selectorThreads > limit.selectorThreads || libraryThreads > limit.libraryThreads
                    || liveCopies > limit.liveCopies;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Footprint && !exceeds((Footprint) other) && !((Footprint) other).exceeds(this);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(selectorThreads + libraryThreads + liveCopies);
        }

        @Override
        public String toString() {
            return selectorThreads + " selector threads, " + libraryThreads + " library threads, " + liveCopies
                    + " live copies";
        }
    }
}
