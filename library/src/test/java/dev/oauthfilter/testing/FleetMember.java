package dev.oauthfilter.testing;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;

import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica of an application in a process of its own, for the tests whose claim is about processes: a Hazelcast
 * member (TCP join on 127.0.0.1) with its JCache cache manager and a {@link TokenCache} shared through it, driven by
 * lines on standard input ({@code call <threads> <callsPerThread>}, {@code exit}) and answering on standard output
 * ({@code ready <members>}, {@code members <n>}, {@code served <distinct tokens> <failures> <fingerprints>}).
 *
 * <p>Arguments: cluster name, port, first port of the cluster, token URL, client id, client secret, lease millis.
 */
public final class FleetMember {

    private FleetMember() {
    }

    public static void main(String[] args) throws Exception {
        String clusterName = args[0];
        int port = Integer.parseInt(args[1]);
        int basePort = Integer.parseInt(args[2]);
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int p = basePort; p < basePort + 8; p++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        CachingProvider provider = new HazelcastMemberCachingProvider();
        CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                HazelcastCachingProvider.propertiesByInstanceItself(member));
        // a generous store timeout: several JVMs share two cores in the tests; what a slow store does is tested apart
        TokenCache cache = TokenCache.builder().sharedVia(manager)
                .sharedLeaseTime(Duration.ofMillis(Long.parseLong(args[6])))
                .sharedStoreTimeout(Duration.ofSeconds(5)).build();
        TokenProvider tokens = cache.provider(OAuthClientConfig.builder().tokenUrl(URI.create(args[3]))
                .clientId(args[4]).clientSecret(args[5]).maxAttempts(1).build());
        System.out.println("ready " + member.getCluster().getMembers().size());
        System.out.flush();

        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null && !line.equals("exit"); line = commands.readLine()) {
            String[] command = line.split(" ");
            if (command[0].equals("call")) {
                call(tokens, Integer.parseInt(command[1]), Integer.parseInt(command[2]));
            } else if (command[0].equals("members")) {
                System.out.println("members " + member.getCluster().getMembers().size());
                System.out.flush();
            }
        }
        cache.close();
        provider.close();
        member.getLifecycleService().terminate();
    }

    private static void call(TokenProvider tokens, int threads, int callsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Set<String> served = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            calls.add(pool.submit(() -> {
                for (int i = 0; i < callsPerThread; i++) {
                    try {
                        served.add(tokens.token().fingerprint());
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> call : calls) {
            call.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.println("served " + served.size() + " " + failures.get() + " " + String.join(",", served));
        System.out.flush();
    }
}
