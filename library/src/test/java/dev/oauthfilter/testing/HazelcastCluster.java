package dev.oauthfilter.testing;

import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.cache.CacheManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A real Hazelcast cluster of embedded members in the test's JVM, each with its own JCache {@link CacheManager}, as
 * each replica of an application has: members join over TCP on 127.0.0.1 under a cluster name of their own, so that
 * no other cluster on the machine can join. Register it on a static field; members are started when asked for and
 * the caches are emptied after each test.
 */
public final class HazelcastCluster implements JCacheFleet, AfterEachCallback, AfterAllCallback {

    // not "oauth-filter-...": the test fixture takes threads of that name for the library's
    private final String clusterName = "fleet-test-" + UUID.randomUUID();
    private final HazelcastReplicas members = new HazelcastReplicas("members");
    private final int basePort;
    private final Consumer<Config> settings;

    /**
     * @param basePort the port of the first member; member {@code i} listens on {@code basePort + i}, never reused
     *                 (a new member on a dead member's address confuses the cluster), so clusters of one test run
     *                 need bases at least 8 apart
     */
    public HazelcastCluster(int basePort) {
        this(basePort, config -> { });
    }

    /** @param settings what each member's configuration has beyond the cluster's own (cache definitions, say) */
    public HazelcastCluster(int basePort, Consumer<Config> settings) {
        this.basePort = basePort;
        this.settings = settings;
    }

    @Override
    public synchronized CacheManager manager(int index) {
        while (members.size() <= index) {
            start();
        }
        return members.manager(index);
    }

    /** Starts one more member; the cluster has it once this returns. */
    @Override
    public synchronized CacheManager start() {
        members.requireRoom();
        int index = members.size();
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
        for (int port = basePort; port < basePort + HazelcastReplicas.MAX_REPLICAS; port++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + port);
        }
        settings.accept(config);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        // as in a replica of its own: its own (member-side) caching provider
        return members.add(member, new HazelcastMemberCachingProvider());
    }

    /** Kills member {@code index} at once, as a crashed process (its cache manager then fails every call). */
    @Override
    public synchronized void kill(int index) {
        members.kill(index);
    }

    /** @return the Hazelcast instance name of member {@code index}, starting members up to it */
    public synchronized String instanceName(int index) {
        manager(index);
        return members.instance(index).getName();
    }

    /** @return the cluster's name, which its clients give to join it */
    public String clusterName() {
        return clusterName;
    }

    /** @return the address ({@code 127.0.0.1:port}) of every member started so far, killed ones included */
    public synchronized List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            addresses.add("127.0.0.1:" + (basePort + i));
        }
        return addresses;
    }

    /** @return how many members were started (killed ones included) */
    public synchronized int members() {
        return members.size();
    }

    /** @return how many members the cluster has now, as member {@code index} sees it */
    public int size(int index) {
        return members.instance(index).getCluster().getMembers().size();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        members.clearCaches(this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Ends every member. */
    @Override
    public synchronized void close() {
        members.close();
    }
}
