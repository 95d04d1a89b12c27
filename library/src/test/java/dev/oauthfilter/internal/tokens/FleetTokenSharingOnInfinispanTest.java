package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.InfinispanCluster;
import dev.oauthfilter.testing.InfinispanCluster.Caches;
import dev.oauthfilter.testing.JCacheFleet;
import dev.oauthfilter.testing.ManualExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet scenarios on embedded Infinispan 15.2.6 members in this JVM (JGroups over TCP on 127.0.0.1), each replica
 * a member with its own JCache cache manager made by Infinispan's caching provider from its configuration file, which
 * defines the library's two caches as replicated caches. And the two other ways a configuration can go: a template
 * for the caches (shared), no definition at all (not shared: Infinispan makes such caches local).
 */
class FleetTokenSharingOnInfinispanTest extends FleetTokenSharingTest {

    @RegisterExtension
    static final InfinispanCluster cluster = new InfinispanCluster(7801);

    @Override
    JCacheFleet fleet() {
        return cluster;
    }

    @Override
    JCacheFleet separateFleet(int which) {
        return new InfinispanCluster(which == 0 ? 7811 : 7821);
    }

    @Test
    void cachesMadeFromAReplicatedTemplateAreSharedToo() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        try (InfinispanCluster templated = new InfinispanCluster(7831, Caches.TEMPLATE)) {
            Set<String> served = tokensOfTwoReplicas(templated);

            assertThat(served).hasSize(1);
            assertThat(server.tokenRequestCount()).isEqualTo(1);
            assertThat(fixture.logs().lines()).noneMatch(line -> line.startsWith("WARNING"));
        }
    }

    @Test
    void cachesThatTheConfigurationDoesNotDefineAreEachMembersOwnSoNothingIsShared() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        try (InfinispanCluster undefined = new InfinispanCluster(7841, Caches.UNDEFINED)) {
            Set<String> served = tokensOfTwoReplicas(undefined);

            // what docs/FLEET.md warns of: the library's createCache gives each member a local cache of its own
            assertThat(served).hasSize(2);
            assertThat(server.tokenRequestCount()).isEqualTo(2);
            assertThat(fixture.logs().lines()).noneMatch(line -> line.startsWith("WARNING"));
        }
    }

    private Set<String> tokensOfTwoReplicas(InfinispanCluster members) {
        List<TokenProvider> replicas = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int member = i;
            replicas.add(fixture.newCache(s -> s.sharedVia(members.manager(member)).executor(new ManualExecutor()))
                    .provider(config()));
        }
        Set<String> served = ConcurrentHashMap.newKeySet();
        replicas.forEach(replica -> served.add(replica.token().value()));
        return served;
    }
}
