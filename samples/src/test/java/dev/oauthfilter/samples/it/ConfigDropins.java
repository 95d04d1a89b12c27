package dev.oauthfilter.samples.it;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server configuration a test adds for itself ({@code configDropins/overrides} of the running server, read again by
 * Liberty when it changes), and the wait for what it deploys to start or to go.
 */
final class ConfigDropins {

    private ConfigDropins() {
    }

    /** @return where a drop-in named {@code fileName} goes */
    static Path path(String fileName) {
        return Path.of(System.getProperty("liberty.server.dir"), "configDropins", "overrides", fileName);
    }

    /**
     * Waits until {@code application} answers {@code probePath} (started) or no longer does (removed), after a
     * drop-in was written or deleted: Liberty applies it a moment later, and says so to nobody a test can ask.
     */
    static void awaitStatus(String application, String probePath, boolean started) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        String answer = LibertyClientGuaranteesIT.call(application, probePath, null);
        while (answer.startsWith("http:") == started && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            answer = LibertyClientGuaranteesIT.call(application, probePath, null);
        }
        assertThat(answer.startsWith("http:")).as(application + (started ? " started" : " removed") + " (" + answer
                + ")").isEqualTo(!started);
    }
}
