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
import org.openjdk.jmh.annotations.Threads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * 4. Stampede at expiry: 64 threads ask at once for the header of a client whose token has just expired, against a
 * 50 ms token endpoint. One shot per thread per iteration; before each, a new client gets a token and the clock
 * moves past its expiry. The number of token requests each stampede caused is appended to the file named by the
 * system property {@code stampede.out} (the runner reads it back).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Threads(64)
public class StampedeBenchmark {

    @Param({"oauth-filter", "spring-security"})
    public String implementation;

    private TokenEndpointStub stub;
    private HeaderSource source;
    private int requestsBefore;

    interface HeaderSource {
        String authorizationHeader() throws Exception;
    }

    @Setup(Level.Trial)
    public void startEndpoint() {
        stub = new TokenEndpointStub(50, 3600);
    }

    @Setup(Level.Iteration)
    public void expiredToken() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        if (implementation.equals("oauth-filter")) {
            TokenProvider tokens = TokenCache.builder().clock(clock).build().provider(OAuthClientConfig.builder()
                    .tokenUrl(stub.uri("/token")).clientId("bench").clientSecret("bench-secret").build());
            source = tokens::authorizationHeader;
        } else {
            SpringPeer spring = new SpringPeer(stub, clock);
            source = spring::authorizationHeader;
        }
        source.authorizationHeader();
        clock.advance(Duration.ofHours(2));
        requestsBefore = stub.tokenRequests();
    }

    @TearDown(Level.Iteration)
    public void recordTokenRequests() throws IOException {
        String out = System.getProperty("stampede.out");
        if (out != null) {
            Files.writeString(Path.of(out), implementation + " " + (stub.tokenRequests() - requestsBefore) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    @TearDown(Level.Trial)
    public void stopEndpoint() {
        stub.close();
    }

    @Benchmark
    public String authorizationHeaderAtExpiry() throws Exception {
        return source.authorizationHeader();
    }
}
