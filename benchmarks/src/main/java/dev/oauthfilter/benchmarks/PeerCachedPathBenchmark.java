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

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * 6. The cost of getting an Authorization header when a valid token exists, for oauth-filter, Spring Security's
 * manager, and the seed SDK's behaviour (a token request per call, here to a zero-latency loopback endpoint).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class PeerCachedPathBenchmark {

    private TokenEndpointStub stub;
    private TokenProvider ours;
    private SpringPeer spring;
    private SeedSdkStylePeer seed;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        stub = new TokenEndpointStub(0, 3600);
        ours = TokenCache.builder().build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/token")).clientId("bench").clientSecret("bench-secret").build());
        spring = new SpringPeer(stub, Clock.systemUTC());
        seed = new SeedSdkStylePeer(stub);
        ours.authorizationHeader();
        spring.authorizationHeader();
        seed.authorizationHeader();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stub.close();
    }

    @Benchmark
    public String oauthFilter() {
        return ours.authorizationHeader();
    }

    @Benchmark
    public String springSecurity() {
        return spring.authorizationHeader();
    }

    @Benchmark
    public String seedSdkStyle() throws Exception {
        return seed.authorizationHeader();
    }
}
