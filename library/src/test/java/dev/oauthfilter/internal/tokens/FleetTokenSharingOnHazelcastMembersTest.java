package dev.oauthfilter.internal.tokens;

import com.hazelcast.config.CacheSimpleConfig;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.HazelcastCluster;
import dev.oauthfilter.testing.JCacheFleet;
import dev.oauthfilter.testing.ManualExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet scenarios on embedded Hazelcast 5.7.0 members in this JVM, each replica a member with its own
 * (member-side) JCache cache manager; the library creates the caches. And caches that the members' configuration
 * declares itself.
 */
class FleetTokenSharingOnHazelcastMembersTest extends FleetTokenSharingTest {

    @RegisterExtension
    static final HazelcastCluster cluster = new HazelcastCluster(5901);

    @Override
    JCacheFleet fleet() {
        return cluster;
    }

    @Override
    JCacheFleet separateFleet(int which) {
        return new HazelcastCluster(which == 0 ? 5911 : 5921);
    }

    @Test
    void cachesThatTheMembersConfigurationDeclaresWithoutTypesAreSharedToo() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        // as an operator declares them for their backups or limits: <cache name="oauth-filter-tokens"> with no
        // key-type or value-type, which JCache then calls a cache of Object
        try (HazelcastCluster declaring = new HazelcastCluster(5971, config -> {
            config.addCacheConfig(new CacheSimpleConfig().setName(SharedStore.TOKENS).setBackupCount(1));
            config.addCacheConfig(new CacheSimpleConfig().setName(SharedStore.LEASES).setBackupCount(1));
        })) {
            List<TokenProvider> replicas = List.of(
                    fixture.newCache(s -> s.sharedVia(declaring.manager(0)).executor(new ManualExecutor()))
                            .provider(config()),
                    fixture.newCache(s -> s.sharedVia(declaring.manager(1)).executor(new ManualExecutor()))
                            .provider(config()));
            Set<String> served = ConcurrentHashMap.newKeySet();
            replicas.forEach(replica -> served.add(replica.token().value()));

            assertThat(served).hasSize(1);
            assertThat(server.tokenRequestCount()).isEqualTo(1);
            assertThat(fixture.logs().lines()).noneMatch(line -> line.startsWith("WARNING"));
        }
    }
}
