package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.fixtures.MutableClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * 3. Latency of {@code authorizationHeader()} while a background refresh is in flight against a 200 ms token
 * endpoint ({@code stale}), against the plain cached path ({@code fresh}). Before every (150 ms) iteration a new
 * provider gets its token and, for {@code stale}, the clock moves into the refresh window: the first call of the
 * iteration starts the refresh, which stays in flight for the whole iteration.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RefreshWindowBenchmark {

    @Param({"fresh", "stale"})
    public String state;

    private TokenEndpointStub stub;
    private ExecutorService refreshThreads;
    private TokenProvider tokens;
    private int requestsBefore;

    @Setup(Level.Trial)
    public void startEndpoint() {
        stub = new TokenEndpointStub(200, 3600);
        refreshThreads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Setup(Level.Iteration)
    public void newProviderWithAToken() {
        MutableClock clock = new MutableClock(Instant.now());
        tokens = TokenCache.builder().clock(clock).executor(refreshThreads).build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/token")).clientId("bench").clientSecret("bench-secret").build());
        tokens.token();
        if (state.equals("stale")) {
            clock.advance(Duration.ofSeconds(3600 - 30)); // inside the refresh window, far from expiry
        }
        requestsBefore = stub.tokenRequests();
    }

    @TearDown(Level.Iteration)
    public void checkTheRefreshWasInFlight() {
        int refreshes = stub.tokenRequests() - requestsBefore;
        if (refreshes != (state.equals("stale") ? 1 : 0)) {
            throw new IllegalStateException(state + ": expected " + (state.equals("stale") ? 1 : 0)
                    + " refresh request in the iteration, saw " + refreshes);
        }
    }

    @TearDown(Level.Trial)
    public void stopEndpoint() {
        refreshThreads.shutdownNow();
        stub.close();
    }

    @Benchmark
    public String authorizationHeader() {
        return tokens.authorizationHeader();
    }
}
