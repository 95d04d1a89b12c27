package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TokenEvents#acquisition}: asked on the caller's thread whether the caller waits or not, and whatever the
 * listener returns the acquisition runs exactly once (a tracing wrapper that drops it, fails before it or runs it
 * twice must neither leave callers waiting nor send twice).
 */
class AcquisitionListenerTest {

    private static final String SECRET = "acquisition-secret-8812";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);

    private TokenProvider provider(TokenCache cache) {
        // a short acquisition timeout: a request left pending fails the test in 2 s instead of hanging it
        return cache.provider(OAuthClientConfig.builder().name("acquiring").tokenUrl(fixture.server().uri("/token"))
                .clientId("acquiring").clientSecret(SECRET).maxAttempts(1)
                .acquisitionTimeout(Duration.ofSeconds(2)).build());
    }

    /** A provider whose refreshes run inline: everything the wrapper does is done when token() returns. */
    private TokenProvider listenedBy(UnaryOperator<Runnable> wrapper) {
        TokenCache cache = fixture.newCache(settings -> settings.executor(new ManualExecutor()));
        cache.events(new TokenEvents() {
            @Override
            public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
                return wrapper.apply(acquisition);
            }
        });
        return provider(cache);
    }

    @Test
    void aWrapperThatDropsTheAcquisitionStillGetsTheTokenFetchedOnce() {
        TokenProvider tokens = listenedBy(acquisition -> () -> { });

        assertThat(tokens.token().value()).isNotBlank();
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aWrapperThatFailsBeforeTheAcquisitionStillGetsTheTokenFetchedOnce() {
        TokenProvider tokens = listenedBy(acquisition -> () -> {
            throw new IllegalStateException("the wrapper fails");
        });

        assertThat(tokens.token().value()).isNotBlank();
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aWrapperThatRunsTheAcquisitionTwiceSendsOneRequest() {
        TokenProvider tokens = listenedBy(acquisition -> () -> {
            acquisition.run();
            acquisition.run();
        });

        assertThat(tokens.token().value()).isNotBlank();
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void theCallerThatWaitsIsAskedOnItsThreadAndABackgroundRefreshSaysItIsNotAwaited() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        List<String> asked = new CopyOnWriteArrayList<>();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        TokenCache cache = fixture.newCache(settings -> settings.executor(executor));
        cache.events(new TokenEvents() {
            @Override
            public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
                asked.add(client + " awaited=" + awaited + " on " + Thread.currentThread().getName());
                return () -> {
                    ranOn.add(Thread.currentThread().getName());
                    acquisition.run();
                };
            }
        });
        TokenProvider tokens = provider(cache);
        tokens.token();
        executor.hold();

        fixture.clock().advance(LIFETIME.minusSeconds(50));
        tokens.token();
        Thread refresher = new Thread(executor::runAll, "refresher");
        refresher.start();
        refresher.join();

        String caller = Thread.currentThread().getName();
        assertThat(asked).containsExactly("acquiring awaited=true on " + caller,
                "acquiring awaited=false on " + caller);
        assertThat(ranOn).containsExactly(caller, "refresher");
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(2);
    }
}
