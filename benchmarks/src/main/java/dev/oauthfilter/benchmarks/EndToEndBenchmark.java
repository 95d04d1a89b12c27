package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/** 5. Requests per second of a Jersey client to an in-JVM HTTP server, without and with the filter (cached token). */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(2)
public class EndToEndBenchmark {

    private TokenEndpointStub stub;
    private Client plain;
    private Client filtered;
    private WebTarget plainTarget;
    private WebTarget filteredTarget;

    @Setup(Level.Trial)
    public void setUp() {
        stub = new TokenEndpointStub(0, 3600);
        plain = ClientBuilder.newClient();
        filtered = ClientBuilder.newClient().register(new OAuthClientFilter(TokenCache.builder().build()
                .provider(OAuthClientConfig.builder().tokenUrl(stub.uri("/token")).clientId("bench")
                        .clientSecret("bench-secret").build())));
        plainTarget = plain.target(stub.uri("/api/notes"));
        filteredTarget = filtered.target(stub.uri("/api/notes"));
        filteredTarget.request().get(String.class);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plain.close();
        filtered.close();
        stub.close();
    }

    @Benchmark
    public String noFilter() {
        return plainTarget.request().get(String.class);
    }

    @Benchmark
    public String withOAuthFilter() {
        return filteredTarget.request().get(String.class);
    }
}
