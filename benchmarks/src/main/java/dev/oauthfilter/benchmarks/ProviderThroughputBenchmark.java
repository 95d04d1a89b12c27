package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/** 2. {@code authorizationHeader()} on the cached path; the runner repeats it with 1, 2, 4 and 16 threads. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ProviderThroughputBenchmark {

    private TokenEndpointStub stub;
    private TokenProvider tokens;

    @Setup(Level.Trial)
    public void setUp() {
        stub = new TokenEndpointStub(0, 3600);
        tokens = TokenCache.builder().build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/token")).clientId("bench").clientSecret("bench-secret").build());
        tokens.token();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stub.close();
    }

    @Benchmark
    public String authorizationHeader() {
        return tokens.authorizationHeader();
    }
}
