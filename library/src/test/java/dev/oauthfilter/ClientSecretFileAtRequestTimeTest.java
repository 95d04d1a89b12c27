package dev.oauthfilter;

import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A secret file that is blank or unreadable when a token is requested: MISSING_SECRET naming the client, no request. */
class ClientSecretFileAtRequestTimeTest {

    private static final String SECRET = "file-secret-5a17";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);
    private static final Duration INTO_STALE = LIFETIME.minusSeconds(50);
    private static final Duration INTO_EXPIRED = LIFETIME.minusSeconds(4);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("billing-client", SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final LogCapture logs = fixture.logs();
    private final ManualExecutor executor = new ManualExecutor();
    private final TokenCache cache = fixture.newCache(settings -> settings.executor(executor));

    @TempDir
    Path dir;

    private OAuthClientConfig billing(Path file) {
        return MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.billing.token-url", server.uri("/token").toString(),
                "oauth.billing.client-id", "billing-client",
                "oauth.billing.client-secret-file", file.toString(),
                "oauth.billing.max-attempts", "1")), "billing");
    }

    @Test
    void aSecretFileBlankAtRefreshTimeFailsTheRefreshWithMissingSecretAndSendsNoEmptySecret() throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), SECRET);
        TokenProvider tokens = cache.provider(billing(file));
        String valid = tokens.token().value();
        executor.hold();
        Files.writeString(file, " \n"); // a rotation caught between truncating the file and writing the new secret

        clock.advance(INTO_STALE);
        tokens.token();
        executor.runAll();

        assertThat(server.tokenRequests()).extracting(r -> r.header("Authorization"))
                .as("no token request with an empty secret").hasSize(1);
        assertThat(tokens.token().value()).isEqualTo(valid);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("MISSING_SECRET"));
    }

    @Test
    void theMissingSecretFailureOfAnUnreadableFileNamesTheClient() throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), SECRET);
        TokenProvider tokens = cache.provider(billing(file));
        tokens.token();
        Files.delete(file);

        clock.advance(INTO_EXPIRED);
        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

        assertThat(e.code()).isEqualTo("MISSING_SECRET");
        assertThat(e.clientName()).as("which client's secret is missing").contains("billing");
        assertThat(e.getMessage()).contains("billing").contains("oauth.billing.client-secret-file");
    }
}
