package dev.oauthfilter.samples.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarting an application that uses the library (what a redeploy, {@code liberty:dev} or an administrator does)
 * leaves nothing of it behind: no thread of the library (the JDK HTTP clients' selector threads, the refresh and HTTP
 * pools) and no live copy of its classes, i.e. no old application kept reachable.
 *
 * <p>The server runs with {@code -XX:SoftRefLRUPolicyMSPerMB=0} (see the pom): Liberty keeps the log records of its
 * first five minutes through soft references, RESTEasy's "Deploying Application: class ..." among them, which would
 * otherwise keep each old application alive until the server is five minutes old or short of memory. Run with
 * {@code -Dredeploy.heapDump=/path/file.hprof} to get a heap dump and thread dump of the server at the end.
 */
@ExtendWith(ArquillianExtension.class)
class RedeployLeakIT {

    private static final String APP = "oauth-filter-redeploy";
    private static final int RESTARTS = 5;
    // the shared cache lives exactly as long as the library's class loader: a live copy means a live old application
    private static final String LIBRARY_CLASS = "dev.oauthfilter.TokenCache";

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
            System.out.printf("RedeployLeakIT: after 2 restarts %s; after %d more %s%n", baseline, RESTARTS, after);
            String heapDump = System.getProperty("redeploy.heapDump");
            if (heapDump != null) {
                jmx.dumpHeap(Path.of(heapDump));
                Files.writeString(Path.of(heapDump + ".threads"), jmx.threadDump());
            }

            assertThat(after.selectorThreads).as("HttpClient selector threads after %d restarts (baseline %s)",
                    RESTARTS, baseline).isLessThanOrEqualTo(baseline.selectorThreads);
            assertThat(after.libraryThreads).as("library threads after %d restarts (baseline %s)",
                    RESTARTS, baseline).isLessThanOrEqualTo(baseline.libraryThreads);
            assertThat(after.liveCopies).as("live copies of %s after %d restarts (baseline %s)",
                    LIBRARY_CLASS, RESTARTS, baseline).isLessThanOrEqualTo(baseline.liveCopies);
        }
    }

    private static void restartAndExercise(LibertyJmx jmx) throws Exception {
        jmx.restart(APP);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!"STARTED".equals(jmx.state(APP))) {
            assertThat(Instant.now()).as("application started again").isBefore(deadline);
            Thread.sleep(100);
        }
        String outcome = LibertyClientGuaranteesIT.call(APP, "/call/exercise", null);
        assertThat(outcome).as("every client used once").startsWith("status:200");
    }

    /**
     * Collects garbage (pending finalizers first) and measures until the footprint is no larger than {@code limit},
     * or, without a limit, until two measures agree; at most 60 s. The JDK's HTTP client ends its selector thread a
     * few seconds after its client became unreachable, and an object only a finalizer keeps goes a cycle later.
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
