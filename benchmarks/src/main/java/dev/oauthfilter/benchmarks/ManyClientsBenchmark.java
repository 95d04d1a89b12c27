package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
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

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The cached path with 1, 100 and 10,000 clients (one per tenant, each with its own credentials and token), asked in
 * a random order, as a multi-tenant application asks. Three ways, each against the same order:
 * <ul>
 *   <li>{@code floor}: the least any per-tenant token cache does: one object per tenant holding its header and
 *       expiry, the clock read and compared (what the memory access of 10,000 tenants' tokens costs by itself);</li>
 *   <li>{@code heldProvider}: each tenant's {@code TokenProvider}, held by the application;</li>
 *   <li>{@code providerByConfig}: {@code cache.provider(config).authorizationHeader()} per call, the application
 *       holding only each tenant's configuration (the cache finds the source).</li>
 * </ul>
 * The ratio that matters is each one at 10,000 clients to itself at 1 client.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ManyClientsBenchmark {

    @Param({"1", "100", "10000"})
    public int clients;

    private TokenEndpointStub stub;
    private TokenCache cache;
    private OAuthClientConfig[] configs;
    private TokenProvider[] providers;
    private FloorTenant[] floorTenants;
    private final java.time.Clock clock = java.time.Clock.systemUTC();
    private int[] order;

    /** A tenant's token as the simplest cache would hold it. */
    static final class FloorTenant {
        volatile String header;
        volatile long usableUntil;

        FloorTenant(String header, long usableUntil) {
            this.header = header;
            this.usableUntil = usableUntil;
        }
    }

    /** Each benchmark thread walks the same random order of tenants from its own position. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void tenants() {
        stub = new TokenEndpointStub(0, 3600);
        cache = TokenCache.builder().capacity(clients).build();
        configs = new OAuthClientConfig[clients];
        providers = new TokenProvider[clients];
        floorTenants = new FloorTenant[clients];
        for (int i = 0; i < clients; i++) {
            configs[i] = OAuthClientConfig.builder().tokenUrl(stub.uri("/token")).clientId("tenant-" + i)
                    .clientSecret("secret-of-tenant-" + i).build();
            providers[i] = cache.provider(configs[i]);
            floorTenants[i] = new FloorTenant(providers[i].authorizationHeader(), clock.millis() + 3_000_000);
        }
        if (stub.tokenRequests() != clients) {
            throw new IllegalStateException(stub.tokenRequests() + " token requests for " + clients + " clients");
        }
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 0; i < Math.max(clients, 1024); i++) {
            shuffled.add(i % clients);
        }
        Collections.shuffle(shuffled, new Random(23));
        order = shuffled.stream().mapToInt(Integer::intValue).toArray();
    }

    @TearDown(Level.Trial)
    public void checkAndClose() {
        // the cached path must not have asked for a token again
        if (stub.tokenRequests() != clients) {
            throw new IllegalStateException(stub.tokenRequests() + " token requests for " + clients + " clients");
        }
        cache.close();
        stub.close();
    }

    private int nextTenant(Cursor cursor) {
        int position = cursor.next;
        cursor.next = position + 1 == order.length ? 0 : position + 1;
        return order[position];
    }

    @Benchmark
    public String floor(Cursor cursor) {
        FloorTenant tenant = floorTenants[nextTenant(cursor)];
        return clock.millis() < tenant.usableUntil ? tenant.header : null;
    }

    @Benchmark
    public String heldProvider(Cursor cursor) {
        return providers[nextTenant(cursor)].authorizationHeader();
    }

    @Benchmark
    public String providerByConfig(Cursor cursor) {
        return cache.provider(configs[nextTenant(cursor)]).authorizationHeader();
    }
}
