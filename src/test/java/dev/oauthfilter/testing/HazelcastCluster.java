package dev.oauthfilter.testing;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A real Hazelcast cluster of embedded members in the test's JVM, each with its own JCache {@link CacheManager}, as
 * each replica of an application has: members join over TCP on 127.0.0.1 under a cluster name of their own, so that
 * no other cluster on the machine can join. Register it on a static field; members are started when asked for and
 * the caches are emptied after each test.
 */
public final class HazelcastCluster implements AfterEachCallback, AfterAllCallback, AutoCloseable {

    private static final int MAX_MEMBERS = 8;

    // not "oauth-filter-...": the test fixture takes threads of that name for the library's
    private final String clusterName = "fleet-test-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<CacheManager> managers = new ArrayList<>();
    private final List<CachingProvider> providers = new ArrayList<>();
    private final int basePort;

    /**
     * @param basePort the port of the first member; member {@code i} listens on {@code basePort + i}, never reused
     *                 (a new member on a dead member's address confuses the cluster), so clusters of one test run
     *                 need bases at least 8 apart
     */
    public HazelcastCluster(int basePort) {
        this.basePort = basePort;
    }

    /** @return the cache manager of member {@code index}, starting members up to it */
    public synchronized CacheManager manager(int index) {
        while (members.size() <= index) {
            start();
        }
        return managers.get(index);
    }

    /** Starts one more member; the cluster has it once this returns. */
    public synchronized CacheManager start() {
        int index = members.size();
        if (index >= MAX_MEMBERS) {
            throw new IllegalStateException("at most " + MAX_MEMBERS + " members");
        }
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + index);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.partition.count", "31");
        // a killed member is noticed within seconds, not the default minute
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(basePort + index).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int port = basePort; port < basePort + MAX_MEMBERS; port++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        // as in a replica of its own: its own (member-side) caching provider and the default URI and class loader,
        // which Hazelcast makes part of every cache's cluster-wide name
        CachingProvider provider = new HazelcastMemberCachingProvider();
        providers.add(provider);
        CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                HazelcastCachingProvider.propertiesByInstanceItself(member));
        managers.add(manager);
        return manager;
    }

    /** Kills member {@code index} at once, as a crashed process (its cache manager then fails every call). */
    public synchronized void kill(int index) {
        members.get(index).getLifecycleService().terminate();
    }

    /** @return the Hazelcast instance name of member {@code index}, starting members up to it */
    public synchronized String instanceName(int index) {
        manager(index);
        return members.get(index).getName();
    }

    /** @return how many members were started (killed ones included) */
    public synchronized int members() {
        return members.size();
    }

    /** @return how many members the cluster has now, as member {@code index} sees it */
    public int size(int index) {
        return members.get(index).getCluster().getMembers().size();
    }

    /** @return every entry of cache {@code name} as the cluster holds it, read through member {@code index} */
    public Map<String, String> entries(int index, String name) {
        Map<String, String> all = new TreeMap<>();
        Cache<String, String> cache = managers.get(index).getCache(name, String.class, String.class);
        if (cache != null) {
            for (Cache.Entry<String, String> entry : cache) {
                all.put(entry.getKey(), entry.getValue());
            }
        }
        return all;
    }

    /**
     * Waits (at most 10 s) until cache {@code name}, read through member {@code index}, satisfies {@code condition}:
     * tokens are published in the background, after the caller has its token.
     *
     * @return the entries then
     */
    public Map<String, String> awaitEntries(int index, String name, Predicate<Map<String, String>> condition)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        Map<String, String> entries = entries(index, name);
        while (!condition.test(entries) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            entries = entries(index, name);
        }
        return entries;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).getLifecycleService().isRunning()) {
                for (String name : List.of("oauth-filter-tokens", "oauth-filter-leases")) {
                    Cache<String, String> cache = managers.get(i).getCache(name, String.class, String.class);
                    if (cache != null) {
                        cache.clear();
                    }
                }
                return;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Ends every member. */
    @Override
    public synchronized void close() {
        for (CachingProvider provider : providers) {
            provider.close();
        }
        for (HazelcastInstance member : members) {
            member.getLifecycleService().terminate();
        }
        members.clear();
        managers.clear();
        providers.clear();
    }
}
