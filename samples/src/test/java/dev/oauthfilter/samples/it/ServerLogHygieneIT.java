package dev.oauthfilter.samples.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other integration test (its own failsafe execution): the Liberty server's logs, with
 * oauth-filter traced at its finest level, hold no client secret and no whole token.
 */
class ServerLogHygieneIT {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]+");

    private static List<Path> logs() throws IOException {
        Path dir = Path.of(System.getProperty("liberty.server.dir"), "logs");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).collect(Collectors.toList());
        }
    }

    @Test
    void noSecretAndNoTokenInAnyServerLog() throws IOException {
        String secret = SampleServer.clientSecret();
        List<Path> logs = logs();
        assertThat(logs).extracting(p -> p.getFileName().toString()).contains("messages.log", "trace.log");

        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text).as(log + " must not contain the client secret").doesNotContain(secret);
            assertThat(JWT.matcher(text).find()).as(log + " must not contain a whole JWT").isFalse();
        }
    }

    @Test
    void theTraceReallyRecordedTheLibrarysTokenLifecycle() throws IOException {
        String trace = Files.readString(Path.of(System.getProperty("liberty.server.dir"), "logs", "trace.log"));

        assertThat(trace).as("the check above is only meaningful if oauth-filter's FINE records are in the trace")
                .contains("obtained AccessToken[type=Bearer, sha256=");
    }
}
