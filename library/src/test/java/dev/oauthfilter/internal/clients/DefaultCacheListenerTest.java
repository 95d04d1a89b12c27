package dev.oauthfilter.internal.clients;

import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.cdi.OAuthFilterExtension;
import dev.oauthfilter.cdi.TokenProviderProducer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.HazelcastCluster;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public listener of the application's default cache, {@code TokenCache.shared().events(listener)} (the API's
 * one way to observe tokens, how the Telemetry binding listens beside the metrics one), and the clients that
 * MicroProfile Config shares with a fleet ({@code oauth.shared-cache.*}): they hear every event, the tracing ones
 * too.
 */
class DefaultCacheListenerTest {

    private static final String SECRET = "listener-fleet-secret-31";

    @RegisterExtension
    static final HazelcastCluster cluster = new HazelcastCluster(6171);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("fleet-listener", SECRET));

    @Test
    void whenAFleetClientFetchesThenTheSharedCachesPublicListenerHearsIt() throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.token-url", fixture.server().uri("/token").toString());
        p.put("oauth.client-id", "fleet-listener");
        p.put("oauth.client-secret", SECRET);
        p.put("oauth.shared-cache.provider", "com.hazelcast.cache.HazelcastMemberCachingProvider");
        p.put("oauth.shared-cache.property.hazelcast.instance.name", cluster.instanceName(1));
        List<String> heard = new CopyOnWriteArrayList<>();
        TokenCache.shared().events(new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                heard.add("request " + client + " " + outcome);
            }

            @Override
            public void sourceCreated(String client, TokenStatus status) {
                heard.add("source " + client);
            }

            @Override
            public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
                heard.add("acquisition " + client);
                return acquisition;
            }

            @Override
            public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
                heard.add("http " + client + " " + grantType);
                return (status, outcome) -> heard.add("ended " + status + " " + outcome);
            }
        });
        try (AutoCloseable installed = TestConfigs.install(TestConfigs.of(p))) {
            new TokenProviderProducer().defaultClient().token();

            assertThat(heard).as("what TokenCache.shared()'s listener heard").contains("request default success",
                    "acquisition default", "http default client_credentials", "ended 200 success");
        } finally {
            TokenCache.shared().events(TokenEvents.NONE);
            Method stop = OAuthFilterExtension.class.getDeclaredMethod("releaseOnShutdown", BeforeShutdown.class);
            stop.setAccessible(true);
            stop.invoke(new OAuthFilterExtension(), (Object) null);
        }
    }
}
