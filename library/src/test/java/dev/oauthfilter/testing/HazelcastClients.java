package dev.oauthfilter.testing;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.cache.HazelcastClientCachingProvider;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.cache.CacheManager;

/**
 * Replicas that are Hazelcast clients of a separate Hazelcast cluster, the common deployment: each replica a client
 * in the test's JVM with its own JCache {@link CacheManager} from the client caching provider, connected to a
 * {@link HazelcastCluster} of embedded members (two unless told) that no replica is part of. Register it on a static field; clients
 * are started when asked for and the caches are emptied after each test.
 */
public final class HazelcastClients implements JCacheFleet, AfterEachCallback, AfterAllCallback {

    private final HazelcastCluster cluster;
    private final int clusterMembers;
    private final boolean ownsCluster;
    private final HazelcastReplicas clients = new HazelcastReplicas("clients");

    /** @param basePort the port of the cluster's first member (see {@link HazelcastCluster#HazelcastCluster(int)}) */
    public HazelcastClients(int basePort) {
        this(basePort, 2);
    }

    /** @param clusterMembers how many members the cluster has, started with the first client */
    public HazelcastClients(int basePort, int clusterMembers) {
        this(new HazelcastCluster(basePort), clusterMembers, true);
    }

    private HazelcastClients(HazelcastCluster cluster, int clusterMembers, boolean ownsCluster) {
        this.cluster = cluster;
        this.clusterMembers = clusterMembers;
        this.ownsCluster = ownsCluster;
    }

    /** @return other clients of the same cluster, for a test that kills one: closing them leaves the cluster up */
    public HazelcastClients moreClients() {
        return new HazelcastClients(cluster, clusterMembers, false);
    }

    /** @return the cluster the clients connect to */
    public HazelcastCluster cluster() {
        return cluster;
    }

    @Override
    public synchronized CacheManager manager(int index) {
        while (clients.size() <= index) {
            start();
        }
        return clients.manager(index);
    }

    /** Starts one more client, connected once this returns (and the cluster, when this is the first). */
    @Override
    public synchronized CacheManager start() {
        clients.requireRoom();
        cluster.manager(clusterMembers - 1);
        ClientConfig config = new ClientConfig();
        config.setClusterName(cluster.clusterName());
        // not "oauth-filter-...": the test fixture takes threads of that name for the library's
        config.setInstanceName(cluster.clusterName() + "-client-" + clients.size() + "-" + System.identityHashCode(this));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // a call to a cluster that is gone fails after this, not the default 2 minutes: its thread then ends
        config.setProperty("hazelcast.client.invocation.timeout.seconds", "5");
        config.getNetworkConfig().setAddresses(cluster.addresses());
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000)
                .setInitialBackoffMillis(100).setMaxBackoffMillis(500);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        // as in a replica of its own: its own client caching provider
        return clients.add(client, new HazelcastClientCachingProvider());
    }

    /** Ends client {@code index} at once, as a crashed replica (its cache manager then fails every call). */
    @Override
    public synchronized void kill(int index) {
        clients.kill(index);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        clients.clearCaches(this);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Ends every client, then the cluster if it is this fleet's own. */
    @Override
    public synchronized void close() {
        clients.close();
        if (ownsCluster) {
            cluster.close();
        }
    }
}
