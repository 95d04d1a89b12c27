package dev.oauthfilter;

import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.LogCapture;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A client secret kept in a file ({@code oauth.client-secret-file}): read anew for every token request, so that a
 * rotated secret is sent without a restart; a file that is gone or unreadable at refresh time fails that refresh with
 * {@code MISSING_SECRET}, sends nothing, and the still-valid token keeps being served.
 */
class ClientSecretFileTest {

    private static final String CLIENT_ID = "file-client";
    private static final String SECRET = "file-secret-5a17";
    private static final String ROTATED = "file-secret-rotated-9e03";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);
    private static final Duration INTO_STALE = LIFETIME.minusSeconds(50);
    private static final Duration INTO_EXPIRED = LIFETIME.minusSeconds(4);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.secret(CLIENT_ID, ROTATED));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final LogCapture logs = fixture.logs();
    private final ManualExecutor executor = new ManualExecutor();
    private final TokenCache cache = fixture.newCache(settings -> settings.executor(executor));

    @TempDir
    Path dir;

    private Path secretFile(String content) throws IOException {
        return Files.writeString(dir.resolve("client-secret"), content);
    }

    /** The client as an application configures it: MicroProfile Config with {@code oauth.client-secret-file}. */
    private OAuthClientConfig fromMicroProfileConfig(Path file, Map<String, String> more) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "oauth.token-url", server.uri("/token").toString(),
                "oauth.client-id", CLIENT_ID,
                "oauth.client-secret-file", file.toString(),
                "oauth.max-attempts", "1",
                "oauth.failure-cooldown", "1s"));
        properties.putAll(more);
        return MicroProfileClientConfigs.read(TestConfigs.of(properties), OAuthClientConfig.DEFAULT_NAME);
    }

    private static String basic(String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
    }

    private List<String> sentAuthorizations() {
        return server.tokenRequests().stream().map(r -> r.header("Authorization")).toList();
    }

    @Test
    void theSecretFileIsReadForEveryTokenRequestSoARotatedSecretIsSentWithoutARestart() throws IOException {
        Path file = secretFile(SECRET + "\n");
        TokenProvider tokens = cache.provider(fromMicroProfileConfig(file, Map.of()));
        tokens.token();

        Files.writeString(file, "  " + ROTATED + "\r\n");
        clock.advance(INTO_EXPIRED);
        tokens.token();

        assertThat(sentAuthorizations()).containsExactly(basic(SECRET), basic(ROTATED));
    }

    @Test
    void aSecretFileReplacesAPlainSecretGivenBesideIt() throws IOException {
        Path file = secretFile(SECRET);

        cache.provider(fromMicroProfileConfig(file, Map.of("oauth.client-secret", "plain-secret-ignored"))).token();

        assertThat(sentAuthorizations()).containsExactly(basic(SECRET));
    }

    @Test
    void aSecretFileGoneAtRefreshTimeFailsTheRefreshWithMissingSecretAndTheValidTokenIsStillServed()
            throws IOException {
        Path file = secretFile(SECRET);
        TokenProvider tokens = cache.provider(fromMicroProfileConfig(file, Map.of()));
        String valid = tokens.token().value();
        executor.hold();
        Files.delete(file);

        clock.advance(INTO_STALE);
        assertThat(tokens.token().value()).isEqualTo(valid);
        executor.runAll();

        assertThat(tokens.token().value()).as("the refresh failed; the token is still valid").isEqualTo(valid);
        assertThat(server.tokenRequestCount()).as("no token request without a secret").isEqualTo(1);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("MISSING_SECRET")
                && l.contains("still serving the current token"));
    }

    @Test
    void onceTheTokenExpiresCallersGetMissingSecretNamingTheFileAndNeverTheSecret() throws IOException {
        Path file = secretFile(SECRET);
        TokenProvider tokens = cache.provider(fromMicroProfileConfig(file, Map.of()));
        tokens.token();
        Files.delete(file);
        Files.createDirectory(file); // unreadable as a file: an I/O error other than "not found"

        clock.advance(INTO_EXPIRED);
        TokenException e = catchThrowableOfType(TokenException.class, tokens::token);

        assertThat(e.code()).isEqualTo("MISSING_SECRET");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("cannot read the client secret file").contains(file.toString());
        Secrets.assertNotInChain(e, List.of(SECRET, basic(SECRET).substring(6)));
        assertThat(tokens.toString()).doesNotContain(SECRET);
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aRestoredSecretFileIsUsedByTheNextRequestAfterTheCooldown() throws IOException {
        Path file = secretFile(SECRET);
        TokenProvider tokens = cache.provider(fromMicroProfileConfig(file, Map.of()));
        tokens.token();
        Files.delete(file);
        clock.advance(INTO_EXPIRED);
        catchThrowableOfType(TokenException.class, tokens::token);

        Files.writeString(file, ROTATED);
        clock.advance(Duration.ofSeconds(2));

        assertThat(tokens.token().value()).isEqualTo(server.issuedTokens().get(1));
        assertThat(sentAuthorizations()).containsExactly(basic(SECRET), basic(ROTATED));
    }
}
