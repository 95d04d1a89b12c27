package dev.oauthfilter.testing;

import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.internal.clients.ApplicationClients;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What every test of the token path starts from: an in-JVM {@link FakeTokenServer}, a {@link MutableClock} the test
 * moves, a {@link TokenCache} on that clock, and a {@link LogCapture} that fails the test if a secret, or a token any
 * of its servers issued, was logged in any form. Register it on an instance field and take what the test needs:
 * <pre>{@code
 * @RegisterExtension
 * final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("billing", SECRET));
 * private final FakeTokenServer server = fixture.server();
 * private final TokenCache cache = fixture.cache();
 * }</pre>
 * After each test it closes every server, cache and set of clients it gave out, and the application's clients (which
 * {@code TokenProvider.of} and the filter's no-argument constructor fill) as the application's end would, then waits for the library's threads that the test started to end, and only then
 * checks the log: what a refresh of this test logs is checked with this test and never lands in the next one's
 * capture. On a static field (a class whose CDI container reads one configuration for all its tests) the same
 * happens once for the whole class, the log being checked after each test as well.
 */
public final class TokenServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    // far beyond any acquisition timeout of the tests: a thread still alive then is one nothing will end
    private static final Duration LIBRARY_THREADS_END_WITHIN = Duration.ofSeconds(30);
    private static final String LIBRARY = "dev.oauthfilter.";
    private static final String LIBRARY_THREAD_PREFIX = "oauth-filter-";

    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000);
    private final List<FakeTokenServer> servers = new CopyOnWriteArrayList<>();
    private final List<TokenCache> caches = new CopyOnWriteArrayList<>();
    private final List<ApplicationClients> owners = new CopyOnWriteArrayList<>();
    private final List<Forbidden> forbidden;
    private final LogCapture logs;
    private FakeTokenServer server;
    private TokenCache cache;
    private boolean wholeClass;
    private Set<Thread> threadsBefore = Set.of();

    private TokenServerExtension(Forbidden... forbidden) {
        List<Forbidden> all = new ArrayList<>(List.of(forbidden));
        all.add(Forbidden.tokens(this::issuedTokens));
        this.forbidden = List.copyOf(all);
        this.logs = LogCapture.forbidding(all.toArray(new Forbidden[0]));
    }

    /**
     * @param forbidden the secrets (and known tokens) the test configures; every token its servers issue is
     *                  forbidden as well
     * @return a fixture whose log capture fails the test if any of them was logged in any form
     */
    public static TokenServerExtension forbidding(Forbidden... forbidden) {
        return new TokenServerExtension(forbidden);
    }

    /**
     * @param secrets secrets whose client ids do not matter: the capture finds them alone, URL-encoded and inside any
     *                Base64 run, which covers {@code base64(id:secret)} for whatever id
     * @return a fixture whose log capture fails the test if one of them, or an issued token, was logged
     */
    public static TokenServerExtension forbiddingSecrets(String... secrets) {
        List<String> values = List.of(secrets);
        return new TokenServerExtension(Forbidden.values("secret", () -> values));
    }

    /** @return the token server of the test, started when first asked for */
    public synchronized FakeTokenServer server() {
        if (server == null) {
            server = newServer();
        }
        return server;
    }

    /** @return another token server (another origin), started now; its tokens are forbidden in the log too */
    public FakeTokenServer newServer() {
        FakeTokenServer started = FakeTokenServer.start();
        servers.add(started);
        return started;
    }

    /** @return the clock of {@link #cache()} and {@link #newCache(UnaryOperator)} */
    public MutableClock clock() {
        return clock;
    }

    /** @return the test's token cache on {@link #clock()}, made when first asked for */
    public synchronized TokenCache cache() {
        if (cache == null) {
            cache = newCache(UnaryOperator.identity());
        }
        return cache;
    }

    /**
     * @param settings what differs from the default cache (an executor, a capacity, another clock)
     * @return another cache, on {@link #clock()} unless {@code settings} says otherwise, closed after the test
     */
    public TokenCache newCache(UnaryOperator<TokenCache.Builder> settings) {
        TokenCache made = settings.apply(TokenCache.builder().clock(clock)).build();
        caches.add(made);
        return made;
    }

    /**
     * @param config a MicroProfile Config that describes clients
     * @return the clients it describes, with a default cache of their own, closed after the test
     */
    public ApplicationClients clients(org.eclipse.microprofile.config.Config config) {
        ApplicationClients made = ApplicationClients.of(config);
        owners.add(made);
        return made;
    }

    /** @return the capture of the library's log records */
    public LogCapture logs() {
        return logs;
    }

    /**
     * @return what the log must not hold (the secrets given, and every token the servers issue): for a capture of
     *         other output, such as {@link TelemetryCapture}
     */
    public Forbidden[] forbidden() {
        return forbidden.toArray(new Forbidden[0]);
    }

    private List<String> issuedTokens() {
        List<String> tokens = new ArrayList<>();
        servers.forEach(s -> tokens.addAll(s.issuedTokens()));
        return tokens;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        wholeClass = true;
        start();
        logs.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            release();
        } finally {
            logs.afterAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!wholeClass) {
            start();
        }
        logs.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (!wholeClass) {
                release();
            }
        } finally {
            logs.afterEach(context);
        }
    }

    /** Starts from the application's clients closed (no providers or threads), whatever tests ran before. */
    private void start() {
        ApplicationClients.byDefault().close();
        threadsBefore = Thread.getAllStackTraces().keySet();
    }

    /**
     * Servers first, so that a token request still in flight fails at once; the caches once no library code runs on
     * their threads, since a request whose HTTP client is released under it waits out its whole timeout; and again
     * once their refresh threads have ended, for what a refresh handed over just before the first close made anew.
     */
    private void release() {
        long deadline = System.nanoTime() + LIBRARY_THREADS_END_WITHIN.toNanos();
        servers.forEach(FakeTokenServer::close);
        awaitNoLibraryCodeRunning(deadline);
        closeCaches();
        awaitEnd(LIBRARY_THREAD_PREFIX + "refresh-", deadline);
        closeCaches();
        awaitEnd(LIBRARY_THREAD_PREFIX, deadline);
    }

    private void closeCaches() {
        caches.forEach(TokenCache::close);
        owners.forEach(ApplicationClients::close);
        // the application's clients (TokenProvider.of, the filter by name) close as when the application stops
        ApplicationClients.byDefault().close();
    }

    private List<Thread> libraryThreadsStartedSinceStart(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && !threadsBefore.contains(thread))
                .collect(Collectors.toList());
    }

    private void awaitNoLibraryCodeRunning(long deadline) {
        List<Thread> threads = libraryThreadsStartedSinceStart(LIBRARY_THREAD_PREFIX);
        while (threads.stream().anyMatch(TokenServerExtension::runsLibraryCode) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    private static boolean runsLibraryCode(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith(LIBRARY));
    }

    private void awaitEnd(String prefix, long deadline) {
        List<Thread> started = libraryThreadsStartedSinceStart(prefix);
        for (Thread thread : started) {
            try {
                thread.join(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the library's threads to end", e);
            }
        }
        List<String> alive = started.stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toList());
        if (!alive.isEmpty()) {
            throw new AssertionError("library threads still running " + LIBRARY_THREADS_END_WITHIN.toSeconds()
                    + " s after the test, its caches closed (a cache the fixture did not make?): " + alive);
        }
    }
}
