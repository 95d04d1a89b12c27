package dev.oauthfilter.internal.clients;

import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.HazelcastCluster;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fleet-wide tokens turned on by MicroProfile Config alone ({@code oauth.shared-cache.*}): the registry's clients
 * take their tokens through the configured JCache provider (here an embedded Hazelcast member), so that a second
 * registry of the same configuration adopts the token instead of asking for one.
 */
class SharedCacheSettingsTest {

    private static final String SECRET = "shared-config-secret-77";

    @RegisterExtension
    static final HazelcastCluster cluster = new HazelcastCluster(5931);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("fleet-app", SECRET));
    private final FakeTokenServer server = fixture.server();

    private Map<String, String> settings() {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.token-url", server.uri("/token").toString());
        p.put("oauth.client-id", "fleet-app");
        p.put("oauth.client-secret", SECRET);
        p.put("oauth.shared-cache.provider", "com.hazelcast.cache.HazelcastMemberCachingProvider");
        // the registries are another member than the one the test reads the cluster through
        p.put("oauth.shared-cache.property.hazelcast.instance.name", cluster.instanceName(1));
        p.put("oauth.shared-cache.timeout", "PT2S");
        p.put("oauth.shared-cache.lease-time", "3s");
        return p;
    }

    @Test
    void aConfiguredProviderSharesTheRegistrysTokensThroughItsCaches() throws Exception {
        ApplicationClients first = ApplicationClients.of(TestConfigs.of(settings()));
        ApplicationClients second = ApplicationClients.of(TestConfigs.of(settings()));
        try {
            String token = first.client("default").token().value();

            assertThat(cluster.awaitEntries(0, "oauth-filter-tokens", entries -> !entries.isEmpty()))
                    .as("the shared entry").hasSize(1);
            assertThat(second.client("default").token().value()).as("adopted by another registry").isEqualTo(token);
            assertThat(server.tokenRequestCount()).isEqualTo(1);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void theFleetsTokenRequestsReachTheApplicationsListenerWhereTheMetricsListen() {
        List<String> heard = new CopyOnWriteArrayList<>();
        ApplicationClients registry = ApplicationClients.of(TestConfigs.of(settings()));
        registry.events(new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                heard.add("request " + client + " " + outcome);
            }

            @Override
            public void sourceCreated(String client, TokenStatus status) {
                heard.add("source " + client);
            }
        });
        try {
            registry.client("default").token();

            assertThat(heard).containsExactly("source default", "request default success");
        } finally {
            registry.close();
        }
    }

    @Test
    void aListenerInstalledAfterTheFleetsSourcesWereMadeHearsOfThemAndOfWhatFollows() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Map<String, String> p = settings();
        p.put("oauth.reports.token-url", server.uri("/token").toString());
        p.put("oauth.reports.client-id", "fleet-app");
        p.put("oauth.reports.client-secret", SECRET);
        p.put("oauth.reports.scope", "reports");
        ApplicationClients registry = ApplicationClients.of(TestConfigs.of(p));
        try {
            registry.client("default").token();
            registry.events(new TokenEvents() {
                @Override
                public void tokenRequest(String client, String outcome, Duration took) {
                    heard.add("request " + client + " " + outcome);
                }

                @Override
                public void sourceCreated(String client, TokenStatus status) {
                    heard.add("source " + client + " expires in " + status.secondsUntilExpiry() + " s");
                }
            });
            assertThat(heard).as("the source made before the listener").hasSize(1).allMatch(line ->
                    line.startsWith("source default expires in ") && !line.endsWith(" -1 s"));

            registry.client("reports").token();
            assertThat(heard).as("and the ones made after").hasSize(3).contains("request reports success")
                    .anyMatch(line -> line.startsWith("source reports"));
        } finally {
            registry.close();
        }
    }

    @Test
    void withoutTheProviderKeyNothingIsShared() {
        Map<String, String> p = settings();
        p.keySet().removeIf(key -> key.startsWith("oauth.shared-cache."));
        ApplicationClients registry = fixture.clients(TestConfigs.of(p));

        registry.client("default").token();

        assertThat(cluster.entries(0, "oauth-filter-tokens")).isEmpty();
    }

    @Test
    void theFleetsDurationsAreWrittenAsEveryOtherDuration() {
        Map<String, String> durations = settings();
        durations.put("oauth.shared-cache.timeout", "500ms");
        durations.put("oauth.shared-cache.lease-time", "5s");
        ApplicationClients registry = ApplicationClients.of(TestConfigs.of(durations));
        try {
            assertThat(registry.client("default").token().value()).isNotBlank();
        } finally {
            registry.close();
        }
        // a bare number is seconds, as for every other duration key
        assertThat(MicroProfileClientConfigs.duration(TestConfigs.of(Map.of("oauth.shared-cache.lease-time", "5")),
                "shared-cache.lease-time")).contains(Duration.ofSeconds(5));
        // these keys once read milliseconds: a bare number that only makes sense so is read as seconds, and said
        Map<String, String> bare = settings();
        bare.put("oauth.shared-cache.timeout", "500");
        ApplicationClients bareOwner = ApplicationClients.of(TestConfigs.of(bare));
        bareOwner.registry();
        bareOwner.close();
        assertThat(fixture.logs().lines()).anyMatch(line -> line.startsWith("WARNING")
                && line.contains("oauth.shared-cache.timeout = 500 is read as 500 seconds") && line.contains("500ms"));
    }

    @Test
    void anUnknownProviderOrABadDurationIsASettingError() {
        Map<String, String> unknown = settings();
        unknown.put("oauth.shared-cache.provider", "com.example.NoSuchCachingProvider");
        assertThatThrownBy(() -> ApplicationClients.of(TestConfigs.of(unknown)).registry())
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.INVALID_SETTING.name()))
                .hasMessageContaining("oauth.shared-cache.provider").hasMessageContaining("NoSuchCachingProvider");

        Map<String, String> badTimeout = settings();
        badTimeout.put("oauth.shared-cache.timeout", "soon");
        assertThatThrownBy(() -> ApplicationClients.of(TestConfigs.of(badTimeout)).registry())
                .isInstanceOf(TokenException.class).hasMessageContaining("oauth.shared-cache.timeout");
    }
}
