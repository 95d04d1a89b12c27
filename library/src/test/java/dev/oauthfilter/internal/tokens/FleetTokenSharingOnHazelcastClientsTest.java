package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.HazelcastClients;
import dev.oauthfilter.testing.JCacheFleet;
import dev.oauthfilter.testing.ManualExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet scenarios with every replica a Hazelcast 5.7.0 client ({@code HazelcastClientCachingProvider}) of a
 * separate two-member cluster, as applications usually share a Hazelcast cluster; the library creates the caches
 * through the clients. And what only clients meet: the cluster itself going away.
 */
class FleetTokenSharingOnHazelcastClientsTest extends FleetTokenSharingTest {

    @RegisterExtension
    static final HazelcastClients clients = new HazelcastClients(5961);

    @Override
    JCacheFleet fleet() {
        return clients;
    }

    /** Clients of their own on the same cluster: a dead replica is a dead client, the cluster stays up. */
    @Override
    JCacheFleet separateFleet(int which) {
        return clients.moreClients();
    }

    @Test
    void whenTheClusterIsGoneTheClientsFetchTheirOwnTokensAndSayItOnce() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        // a cluster of its own, of one member, that the test takes away
        try (HazelcastClients cut = new HazelcastClients(5969, 1)) {
            TokenProvider replica = fixture.newCache(settings -> settings.sharedVia(cut.manager(0))
                    .sharedStoreTimeout(Duration.ofMillis(300)).executor(new ManualExecutor())).provider(config());
            AccessToken shared = replica.token();
            assertThat(cut.awaitEntries(0, SharedStore.TOKENS, entries -> !entries.isEmpty())).hasSize(1);
            cut.cluster().kill(0);

            clock.advance(LIFETIME);
            AccessToken own = replica.token();
            clock.advance(LIFETIME);
            AccessToken next = replica.token();

            assertThat(own.value()).isNotEqualTo(shared.value());
            assertThat(next.expiresAt()).isAfter(clock.instant());
            assertThat(server.tokenRequestCount()).as("the fleet's token, then two of the client's own").isEqualTo(3);
            assertThat(fixture.logs().lines()).filteredOn(line -> line.startsWith("WARNING"))
                    .singleElement().satisfies(line -> assertThat(line).contains("client 'default'")
                            // a client cut off from its cluster does not fail: it retries until its own timeout
                            .contains("did not answer within 300 ms").contains("without the fleet"));
        }
    }
}
