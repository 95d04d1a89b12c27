package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
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

/**
 * 1. The filter's cost with a cached token, against the floor: a filter that puts a constant Authorization header.
 * All run on the same request context, reset before every call; the DPoP one also signs a proof per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FilterCostBenchmark {

    private TokenEndpointStub stub;
    private Client client;
    private StubRequestContext request;
    private ClientRequestFilter oauthFilter;
    private ClientRequestFilter floorFilter;
    private ClientRequestFilter dpopFilter;

    /** The floor: what any filter that sets the header must at least do. */
    static final class ConstantHeaderFilter implements ClientRequestFilter {
        private final String header;

        ConstantHeaderFilter(String header) {
            this.header = header;
        }

        @Override
        public void filter(ClientRequestContext request) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, header);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        stub = new TokenEndpointStub(0, 3600);
        client = ClientBuilder.newClient();
        request = new StubRequestContext(stub.uri("/api/notes"), client);
        TokenProvider tokens = TokenCache.builder().build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/token")).clientId("bench").clientSecret("bench-secret").build());
        oauthFilter = new OAuthClientFilter(tokens);
        floorFilter = new ConstantHeaderFilter(tokens.authorizationHeader());
        dpopFilter = new OAuthClientFilter(TokenCache.builder().build().provider(OAuthClientConfig.builder()
                .tokenUrl(stub.uri("/dpop-token")).clientId("bench").clientSecret("bench-secret").dpop(true).build()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        stub.close();
    }

    @Benchmark
    public Object floor() throws Exception {
        request.reset();
        floorFilter.filter(request);
        return request.headers;
    }

    @Benchmark
    public Object oauthFilter() throws Exception {
        request.reset();
        oauthFilter.filter(request);
        return request.headers;
    }

    /** A DPoP client: the same, plus a proof signed (ES256) for every request, which no cache can spare. */
    @Benchmark
    public Object oauthFilterDPoP() throws Exception {
        request.reset();
        dpopFilter.filter(request);
        return request.headers;
    }
}
