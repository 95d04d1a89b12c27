package dev.oauthfilter.benchmarks;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenProvider;

import javax.cache.spi.CachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One replica of {@link FleetBenchmark}, in a JVM of its own: with sharing, a Hazelcast member and a
 * {@link TokenCache} shared through its JCache cache manager; without, a plain cache. On {@code go} from standard
 * input, {@code threads} threads call {@code token()}, each pausing 1 ms between calls, for {@code durationMillis};
 * then it prints
 * {@code result <calls> <failures> <callers that waited for a token> <latency histogram>} (counts per 100 ns bucket, sparse) and waits for
 * {@code exit}.
 *
 * <p>Arguments: shared (true/false), cluster name, port, first port, token URL, threads, duration millis.
 */
public final class FleetBenchMember {

    static final int BUCKET_NANOS = 100;
    static final int BUCKETS = 200_001; // up to 20 ms, the last one for anything slower
    static final long PAUSE_NANOS = 1_000_000;

    private FleetBenchMember() {
    }

    public static void main(String[] args) throws Exception {
        boolean shared = Boolean.parseBoolean(args[0]);
        int threads = Integer.parseInt(args[5]);
        long durationNanos = Long.parseLong(args[6]) * 1_000_000L;
        HazelcastInstance member = null;
        CachingProvider provider = null;
        TokenCache.Builder builder = TokenCache.builder();
        if (shared) {
            int basePort = Integer.parseInt(args[3]);
            Config config = new Config();
            config.setClusterName(args[1]);
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.setProperty("hazelcast.logging.type", "none");
            config.setProperty("hazelcast.wait.seconds.before.join", "0");
            config.getNetworkConfig().setPort(Integer.parseInt(args[2])).setPortAutoIncrement(false);
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            JoinConfig join = config.getNetworkConfig().getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true);
            for (int p = basePort; p < basePort + 8; p++) {
                join.getTcpIpConfig().addMember("127.0.0.1:" + p);
            }
            member = Hazelcast.newHazelcastInstance(config);
            provider = new HazelcastMemberCachingProvider();
            builder.sharedVia(provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                    HazelcastCachingProvider.propertiesByInstanceItself(member)));
        }
        TokenCache cache = builder.build();
        // callers that found no usable token and had to wait for one (the first, or a refresh that came too late)
        LongAdder waits = new LongAdder();
        cache.events(new TokenEvents() {
            @Override
            public void waited(String client) {
                waits.increment();
            }
        });
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder().tokenUrl(URI.create(args[4]))
                .clientId("fleet-bench").clientSecret("fleet-bench-secret")
                // refreshed 1 s before expiry (unless -Dfleet.refreshBeforeMillis says otherwise), so that a short
                // benchmark lifetime still means one refresh per lifetime
                .refreshBefore(Duration.ofMillis(Long.getLong("fleet.refreshBeforeMillis", 1000))).build());
        System.out.println("ready " + (member == null ? 1 : member.getCluster().getMembers().size()));
        System.out.flush();

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null && !line.equals("exit"); line = commands.readLine()) {
            if (line.equals("members")) {
                System.out.println("members " + (member == null ? 1 : member.getCluster().getMembers().size()));
            } else if (line.equals("go")) {
                waits.reset();
                run(tokens, threads, durationNanos, waits);
            }
            System.out.flush();
        }
        cache.close();
        if (provider != null) {
            provider.close();
        }
        if (member != null) {
            member.getLifecycleService().terminate();
        }
    }

    private static void run(TokenProvider tokens, int threads, long durationNanos, LongAdder waits)
            throws InterruptedException {
        List<int[]> histograms = new ArrayList<>();
        AtomicLong calls = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        long end = System.nanoTime() + durationNanos;
        for (int t = 0; t < threads; t++) {
            int[] histogram = new int[BUCKETS];
            histograms.add(histogram);
            Thread thread = new Thread(() -> {
                long mine = 0;
                while (true) {
                    long started = System.nanoTime();
                    if (started - end >= 0) {
                        break;
                    }
                    try {
                        tokens.token();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    long took = System.nanoTime() - started;
                    histogram[(int) Math.min(took / BUCKET_NANOS, BUCKETS - 1)]++;
                    mine++;
                    // a busy application, not a spin loop: leaves the cores to the JVMs' other work (Hazelcast's)
                    LockSupport.parkNanos(PAUSE_NANOS);
                }
                calls.addAndGet(mine);
                done.countDown();
            });
            thread.start();
        }
        done.await();
        StringBuilder sparse = new StringBuilder();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            long count = 0;
            for (int[] histogram : histograms) {
                count += histogram[bucket];
            }
            if (count > 0) {
                sparse.append(bucket).append(':').append(count).append(',');
            }
        }
        System.out.println("result " + calls.get() + " " + failures.get() + " " + waits.sum() + " " + sparse);
    }
}
