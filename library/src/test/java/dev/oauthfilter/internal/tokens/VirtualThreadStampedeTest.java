package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.TokenServerExtension;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ten thousand virtual threads ask for a token at once (a cold start, then an expiry): one token request each time,
 * every caller gets that token, and no virtual thread pins its carrier while it waits (JFR's
 * {@code jdk.VirtualThreadPinned}, every duration). Runs on Java 21+ only: the build runs it in a JVM of its own on
 * the Java 21+ runtime it is given ({@code keycloak.java.home}); the library is compiled for 17, so virtual threads
 * are made through reflection.
 */
class VirtualThreadStampedeTest {

    private static final int CALLERS = 10_000;
    private static final String PINNED = "jdk.VirtualThreadPinned";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets("vt-secret-0123");
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenCache cache = fixture.cache();

    @TempDir
    Path recordings;
    private Recording recording;

    @BeforeEach
    void recordPinnedThreads() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+");
        recording = new Recording();
        recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
        recording.start();
    }

    @AfterEach
    void endRecording() {
        if (recording != null) {
            recording.close();
        }
    }

    @Test
    void tenThousandVirtualThreadsCauseOneTokenRequestAtColdStartAndAtExpiryAndPinNoCarrier() throws Exception {
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId("vt-client").clientSecret("vt-secret-0123").acquisitionTimeout(Duration.ofSeconds(60))
                .build());

        Set<String> cold = stampede(tokens, 1);
        assertThat(server.tokenRequestCount()).as("token requests at cold start").isEqualTo(1);
        assertThat(cold).containsExactly(server.issuedTokens().get(0));

        clock.advance(Duration.ofSeconds(3600 - 4)); // past the token's usable end (5 s before its expiry)
        Set<String> expired = stampede(tokens, 2);
        assertThat(server.tokenRequestCount()).as("token requests after the expiry").isEqualTo(2);
        assertThat(expired).containsExactly(server.issuedTokens().get(1));

        assertThat(pinnedEvents()).as("virtual threads pinned to their carrier").isEmpty();
    }

    /**
     * A check of the check: a virtual thread that parks inside a class initializer pins its carrier (true on every
     * JDK up to this one), and the recording must see it; else the test above would pass whatever the library does.
     */
    @Test
    void theRecordingSeesAPinnedVirtualThread() throws Exception {
        Thread pinning = startVirtual(() -> ParksWhileInitialized.touch());
        pinning.join(10_000);
        assertThat(pinnedEvents()).isNotEmpty();
    }

    /** 10,000 virtual threads ask at once while the token request is held; returns the tokens they got. */
    private Set<String> stampede(TokenProvider tokens, int requestsSoFar) throws Exception {
        server.holdResponses();
        CountDownLatch go = new CountDownLatch(1);
        Set<String> got = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>(CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            callers.add(startVirtual(() -> {
                try {
                    go.await();
                    got.add(tokens.token().value());
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        go.countDown();
        assertThat(server.awaitTokenRequests(1, 30)).as("the token request reached the server").isTrue();
        // every caller waits for that one request (parked with its acquisition timeout) before it is answered
        awaitAllTimedWaiting(callers, Duration.ofSeconds(60));
        assertThat(server.tokenRequestCount()).isEqualTo(requestsSoFar);
        server.releaseResponses();
        for (Thread caller : callers) {
            caller.join(60_000);
            assertThat(caller.isAlive()).as("a caller still waits").isFalse();
        }
        assertThat(failures).isEmpty();
        return got;
    }

    private List<String> pinnedEvents() throws Exception {
        recording.stop();
        Path file = recordings.resolve("pinned.jfr");
        recording.dump(file);
        List<String> pinned = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getEventType().getName().equals(PINNED)) {
                pinned.add(event.getStackTrace() == null ? "(no stack)" : event.getStackTrace().getFrames().stream()
                        .limit(12).map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                        .collect(Collectors.joining(" < ")));
            }
        }
        return pinned;
    }

    private static void awaitAllTimedWaiting(List<Thread> threads, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                long waiting = threads.stream().filter(t -> t.getState() == Thread.State.TIMED_WAITING).count();
                throw new AssertionError(waiting + " of " + threads.size() + " threads parked within " + limit);
            }
            LockSupport.parkNanos(1_000_000); // a poll of the threads' states, not a guess at how long they take
        }
    }

    /** {@code Thread.ofVirtual().start(task)}, through reflection: the tests are compiled for Java 17. */
    private static Thread startVirtual(Runnable task) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }

    private static final class ParksWhileInitialized {
        static {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }

        static void touch() {
        }
    }
}
