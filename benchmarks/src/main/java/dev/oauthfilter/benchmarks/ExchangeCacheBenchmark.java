package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.internal.tokens.TokenExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A cached token exchange ({@code exchange(incomingToken)} that hits), with 1,000 incoming tokens cached (the bound),
 * against its floor: the SHA-256 of the incoming token, which the cache computes per call to find its entry. The
 * incoming tokens are JWT-shaped, as {@link ExchangeAtScale} makes them (about 600 characters); the calls go round
 * the 1,000 of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ExchangeCacheBenchmark {

    private static final int USERS = 1000;

    private TokenEndpointStub stub;
    private TokenCache cache;
    private TokenExchange exchange;
    private String[] incoming;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-08T00:00:00Z"));
        stub = new TokenEndpointStub(0, 3600);
        cache = TokenCache.builder().clock(clock).build();
        exchange = ((BoundedTokenCache) cache).exchange(OAuthClientConfig.builder().tokenUrl(stub.uri("/exchange"))
                .clientId("exchanger").clientSecret("exchanger-secret").audience("billing").build());
        incoming = new String[USERS];
        for (int user = 0; user < USERS; user++) {
            incoming[user] = ExchangeAtScale.incomingToken(user, 0);
            exchange.exchange(incoming[user]);
        }
        if (stub.exchangeRequests() != USERS) {
            throw new IllegalStateException("expected one exchange per user, saw " + stub.exchangeRequests());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (stub.exchangeRequests() != USERS) {
            throw new IllegalStateException("a call missed: " + stub.exchangeRequests() + " exchanges");
        }
        cache.close();
        stub.close();
    }

    private String nextToken() {
        String token = incoming[next];
        next = next + 1 == USERS ? 0 : next + 1;
        return token;
    }

    /** The floor: the SHA-256 of the incoming token, as the JDK idiom writes it. */
    @Benchmark
    public byte[] floorSha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(nextToken().getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public Object cachedExchange() {
        return exchange.exchange(nextToken());
    }
}
