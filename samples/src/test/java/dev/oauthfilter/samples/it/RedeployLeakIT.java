package dev.oauthfilter.samples.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarting an application that uses the library (what a redeploy, {@code liberty:dev} or an administrator does)
 * leaves no thread of the library behind (the JDK HTTP clients' selector threads, the refresh and HTTP pools), so
 * that no such thread keeps the old application alive. Live copies of the library's classes are reported.
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
    void restartingTheApplicationLeavesNoThreadOfTheLibraryBehind() throws Exception {
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

            assertThat(after.selectorThreads).as("HttpClient selector threads after %d restarts (baseline %s)",
                    RESTARTS, baseline).isLessThanOrEqualTo(baseline.selectorThreads);
            assertThat(after.refreshThreads).as("refresh threads after %d restarts (baseline %s)",
                    RESTARTS, baseline).isLessThanOrEqualTo(baseline.refreshThreads);
            // Live copies of the library's classes (one per live class loader) are printed, not asserted: a few
            // old applications stay reachable after a full GC for reasons not found yet (see docs/RELIABILITY.md)
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
     * Waits (up to 60 s, a full GC each second) until the footprint is no larger than {@code limit}: the JDK's
     * HTTP client ends its selector thread a few seconds after its client became unreachable.
     */
    private static Footprint settledFootprint(LibertyJmx jmx, Footprint limit) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        Footprint now = Footprint.of(jmx);
        while (Instant.now().isBefore(deadline) && (limit == null ? !now.equals(Footprint.of(jmx)) : now.exceeds(limit))) {
            Thread.sleep(1000);
            now = Footprint.of(jmx);
        }
        return now;
    }

    private static final class Footprint {
        final long selectorThreads;
        final long refreshThreads;
        final int liveCopies;

        private Footprint(long selectorThreads, long refreshThreads, int liveCopies) {
            this.selectorThreads = selectorThreads;
            this.refreshThreads = refreshThreads;
            this.liveCopies = liveCopies;
        }

        static Footprint of(LibertyJmx jmx) throws Exception {
            int copies = jmx.liveCopies(LIBRARY_CLASS);
            List<String> threads = jmx.threadNames();
            return new Footprint(threads.stream().filter(n -> n.matches("HttpClient-\\d+-SelectorManager")).count(),
                    threads.stream().filter(n -> n.startsWith("oauth-filter-")).count(), copies);
        }

        boolean exceeds(Footprint limit) {
            return selectorThreads > limit.selectorThreads || refreshThreads > limit.refreshThreads;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Footprint && !exceeds((Footprint) other) && !((Footprint) other).exceeds(this);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(selectorThreads + refreshThreads + liveCopies);
        }

        @Override
        public String toString() {
            return selectorThreads + " selector threads, " + refreshThreads + " refresh threads, " + liveCopies
                    + " live copies";
        }
    }
}
