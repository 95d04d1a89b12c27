package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * How one token request fails when the endpoint cannot be used: refused connections, metadata that does not come
 * in time, and a caller interrupted while it waits.
 */
class EndpointFailureEdgeTest {

    private static final String SECRET = "failure-edge-secret-e51c";
    private static final String OPENID = "/realms/demo/.well-known/openid-configuration";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenHttpClients http = new TokenHttpClients();
    private final CountDownLatch metadataReleased = new CountDownLatch(1);

    @AfterEach
    void release() {
        metadataReleased.countDown();
        http.close();
    }

    private TokenEndpointClient client(OAuthClientConfig config) {
        return new TokenEndpointClient(config,
                http.forSettings(config.timing().connectTimeout(), config.tls().context()), clock);
    }

    private OAuthClientConfig.Builder discovering() {
        return OAuthClientConfig.builder().issuer(server.uri("/realms/demo")).clientId("failing").clientSecret(SECRET);
    }

    /** The metadata document is answered only when the test ends. */
    private void metadataNeverComes() {
        server.serveDocument(OPENID, r -> {
            try {
                metadataReleased.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.json(404, "{}");
        });
    }

    @Test
    void aRefusedConnectionIsReportedAsSuch() {
        TokenException e;
        URI closed;
        try (ReservedPort reserved = new ReservedPort()) {
            closed = URI.create("http://127.0.0.1:" + reserved.port() + "/token");
            OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(closed).clientId("failing")
                    .clientSecret(SECRET).build();
            e = catchThrowableOfType(TokenException.class, () -> client(config).requestToken(Duration.ofSeconds(5)));
        }

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("token endpoint " + closed + ": connection refused or failed");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void aCallerInterruptedWhileWaitingForTheTokenEndpointGetsInterruptedAndKeepsTheFlag() {
        server.holdResponses();
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("failing")
                .clientSecret(SECRET).build();

        Thread.currentThread().interrupt();
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> client(config).requestToken(Duration.ofSeconds(5)));
        boolean interrupted = Thread.interrupted();
        server.releaseResponses();

        assertThat(e.code()).isEqualTo("INTERRUPTED");
        assertThat(interrupted).as("the interrupt flag is kept").isTrue();
    }

    @Test
    void aCallerInterruptedDuringDiscoveryGetsInterruptedAndKeepsTheFlag() {
        metadataNeverComes();

        Thread.currentThread().interrupt();
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> client(discovering().build()).requestToken(Duration.ofSeconds(5)));
        boolean interrupted = Thread.interrupted();

        assertThat(e.code()).isEqualTo("INTERRUPTED");
        assertThat(e.getMessage()).contains("interrupted during discovery");
        assertThat(interrupted).as("the interrupt flag is kept").isTrue();
    }

    @Test
    void discoveryEndsWithTheCallersTimeWhenTheReadTimeoutIsLonger() {
        metadataNeverComes();
        long start = System.nanoTime();

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> client(discovering().readTimeout(Duration.ofSeconds(10)).build())
                        .requestToken(Duration.ofMillis(300)));

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.isRetryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("about the caller's 300 ms, not 10 s")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void discoveryEndsWithTheReadTimeoutWhenTheCallerHasMoreTime() {
        metadataNeverComes();
        long start = System.nanoTime();

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> client(discovering().readTimeout(Duration.ofMillis(200)).build())
                        .requestToken(Duration.ofSeconds(10)));

        assertThat(e.code()).isEqualTo("DISCOVERY_FAILED");
        assertThat(e.getMessage()).contains("cannot reach " + server.uri(OPENID) + " (HttpTimeoutException)");
        assertThat(e.isRetryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("about the read timeout of 200 ms, not 10 s")
                .isLessThan(Duration.ofSeconds(5));
    }
}
