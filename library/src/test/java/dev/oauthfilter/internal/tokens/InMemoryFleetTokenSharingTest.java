package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.testing.InMemoryJCacheFleet;
import dev.oauthfilter.testing.JCacheFleet;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet scenarios on an in-memory JCache ({@link InMemoryJCacheFleet}): each replica a cache manager of its own
 * over one store in this JVM, entries expiring with the lifetime each put gives (Hazelcast's way). What the clusters
 * prove with a network between the replicas, this proves in seconds, so that the mutation testing of the fleet classes
 * (the PIT profile leaves the cluster-based {@code Fleet*} test classes out; this name is not one of them) runs every
 * scenario.
 */
class InMemoryFleetTokenSharingTest extends FleetTokenSharingTest {

    @RegisterExtension
    static final InMemoryJCacheFleet store = new InMemoryJCacheFleet(InMemoryJCacheFleet.Expiry.PER_ENTRY);

    @Override
    JCacheFleet fleet() {
        return store;
    }

    @Override
    JCacheFleet separateFleet(int which) {
        return new InMemoryJCacheFleet(InMemoryJCacheFleet.Expiry.PER_ENTRY);
    }
}
