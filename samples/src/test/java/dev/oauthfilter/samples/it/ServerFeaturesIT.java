package dev.oauthfilter.samples.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server these tests ran on is the row of the runtimes table they stand for: the features it installed
 * ({@code CWWKF0012I} in its {@code messages.log}) include those the build names for it
 * ({@code liberty.expected.features}: MicroProfile 6.1's Rest Client for the first row, MicroProfile 7's Rest Client
 * and Telemetry for the second), so that a configuration the build did not apply cannot pass for that row.
 */
class ServerFeaturesIT {

    private static final Pattern INSTALLED = Pattern.compile("CWWKF0012I: [^\\[]*\\[([^\\]]*)\\]");

    @Test
    void theServerInstalledTheFeaturesOfItsRow() throws IOException {
        String messages = Files.readString(Path.of(System.getProperty("liberty.server.dir"), "logs", "messages.log"),
                StandardCharsets.UTF_8);
        Matcher installed = INSTALLED.matcher(messages);
        assertThat(installed.find()).as("the server said which features it installed").isTrue();
        List<String> features = List.of(installed.group(1).split(",\\s*"));
        List<String> expected = List.of(Objects.requireNonNull(System.getProperty("liberty.expected.features"),
                "liberty.expected.features").split(","));
        assertThat(features).as("installed on %s", System.getProperty("arquillian.serverName"))
                .containsAll(expected);
    }
}
