package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.testing.FreshLibrary;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCacheTest {

    // the tests below also use other client ids with these secrets: the capture finds them in any Base64 run
    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(
            Forbidden.secret("cache-client", "cache-secret"), Forbidden.secret("cache-client", "other-secret"),
            Forbidden.secret("other-client", "cache-secret"));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();

    private OAuthClientConfig.Builder config() {
        return config(server.uri("/token"));
    }

    private static OAuthClientConfig.Builder config(URI tokenUrl) {
        return OAuthClientConfig.builder().tokenUrl(tokenUrl).clientId("cache-client").clientSecret("cache-secret");
    }

    @Test
    void equivalentConfigurationsShareOneProviderAndOneToken() {
        TokenCache cache = fixture.cache();

        TokenProvider first = cache.provider(config().scope("read").build());
        TokenProvider second = cache.provider(config().scope("read").build());

        assertThat(second).isEqualTo(first);
        assertThat(second.token().value()).isEqualTo(first.token().value());
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void everySettingThatChangesTheTokenOrItsFetchGivesItsOwnSourceAndToken() {
        TokenCache cache = fixture.cache();
        List<OAuthClientConfig> configs = List.of(
                config().build(),
                config().scope("write").build(),
                config().audience("https://api.example.com").build(),
                config().resource("urn:notes").build(),
                config().extraParameter("tenant", "b").build(),
                config().clientId("other-client").build(),
                config().clientSecret("other-secret").build(),
                config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).build(),
                config().tokenUrl(server.uri("/other/token")).build(),
                config().readTimeout(Duration.ofSeconds(3)).build(),
                config().acquisitionTimeout(Duration.ofSeconds(7)).build(),
                config().maxAttempts(1).build());

        List<String> tokens = configs.stream().map(c -> cache.provider(c).token().value())
                .collect(Collectors.toList());

        assertThat(tokens).doesNotHaveDuplicates();
        assertThat(server.tokenRequestCount()).isEqualTo(configs.size());
        assertThat(cache.size()).isEqualTo(configs.size());
    }

    @Test
    void theLeastRecentlyUsedProviderIsDroppedAtCapacity() {
        TokenCache cache = fixture.newCache(settings -> settings.capacity(2));
        OAuthClientConfig a = config().clientId("a").build();
        OAuthClientConfig b = config().clientId("b").build();
        OAuthClientConfig c = config().clientId("c").build();

        TokenProvider providerA = cache.provider(a);
        providerA.token();
        clock.advance(Duration.ofSeconds(2));
        TokenProvider providerB = cache.provider(b);
        providerB.token();
        clock.advance(Duration.ofSeconds(2));
        providerA.token();
        clock.advance(Duration.ofSeconds(2));
        cache.provider(c);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.provider(a)).as("recently used: kept").isEqualTo(providerA);
        assertThat(cache.provider(b)).as("least recently used: dropped").isNotEqualTo(providerB);
    }

    /**
     * A working set twice the capacity (20 clients, a cache of 10), each client called 10 times in a random order over
     * one token lifetime: the thrash costs at most one token request per call, never one for a client that kept its
     * token, never a background refresh of an evicted client, and is told in a WARNING once a minute, not per eviction.
     */
    @Test
    void aWorkingSetBeyondTheCapacityCostsAtMostOneTokenRequestPerCallAndIsToldOnceAMinute() {
        TokenCache cache = fixture.newCache(settings -> settings.capacity(10));
        List<OAuthClientConfig> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(config().clientId("tenant-" + i).build());
        }
        List<Integer> calls = new java.util.ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < clients.size(); i++) {
                calls.add(i);
            }
        }
        java.util.Collections.shuffle(calls, new java.util.Random(23));
        Map<Integer, TokenProvider> held = new HashMap<>();
        int expectedRequests = 0;
        for (int client : calls) {
            TokenProvider before = held.get(client);
            TokenProvider now = cache.provider(clients.get(client));
            // a client still in the cache is the same provider and asks for nothing; one evicted asks once
            if (!now.equals(before)) {
                expectedRequests++;
                held.put(client, now);
            }
            now.token();
            assertThat(server.tokenRequestCount()).isEqualTo(expectedRequests);
            assertThat(cache.size()).isLessThanOrEqualTo(10);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(expectedRequests).as("the thrash is real: more requests than clients").isGreaterThan(40)
                .isLessThanOrEqualTo(calls.size());

        // the evicted clients' tokens turn stale: nothing refreshes them in the background
        clock.advance(Duration.ofSeconds(3600 - 200 - 30));
        int requests = server.tokenRequestCount();
        cache.provider(clients.get(calls.get(calls.size() - 1))).token();
        assertThat(server.tokenRequestCount()).as("one background refresh, of the client asked").isLessThanOrEqualTo(
                requests + 1);

        List<String> warnings = fixture.logs().lines().stream()
                .filter(line -> line.contains("the token cache keeps 10 clients")).collect(Collectors.toList());
        // 200 s of calls: a warning at the first eviction, then at most one a minute
        assertThat(warnings).hasSizeBetween(2, 4);
        assertThat(warnings.get(0)).startsWith("WARNING").contains("1 client(s) dropped with a token still valid")
                .contains("oauth.cache-size").contains("TokenCache.builder().capacity(n)");
        assertThat(warnings.get(1)).doesNotContain(" 1 client(s)");
    }

    @Test
    void churningKeysNeverGrowTheCacheBeyondItsCapacity() {
        TokenCache cache = fixture.newCache(settings -> settings.capacity(10));

        for (int i = 0; i < 1_000; i++) {
            cache.provider(config().clientId("client-" + i).build());
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(cache.size()).isEqualTo(10);
    }

    @Test
    void theSharedCacheGrowsToTheLargestCacheSizeOfTheClientsMicroProfileConfigDescribes() {
        int capacityHere = TokenCache.shared().capacity();

        // the shared cache is one per class loader, and it only grows: this test grows one of its own
        FreshLibrary.run(GrowTheSharedCache.class, server.uri("/token"));

        assertThat(TokenCache.shared().capacity()).as("the shared cache of the other tests").isEqualTo(capacityHere);
    }

    /** The test above, on a library loaded anew, for an application whose MicroProfile Config is its own. */
    public static final class GrowTheSharedCache implements Consumer<URI> {
        @Override
        public void accept(URI tokenUrl) {
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(new URLClassLoader(new URL[0], previous));
            int before = TokenCache.shared().capacity();
            Map<String, String> keys = new HashMap<>();
            for (String client : List.of("grow", "small")) {
                keys.put("oauth." + client + ".token-url", tokenUrl.toString());
                keys.put("oauth." + client + ".client-id", "cache-client");
                keys.put("oauth." + client + ".client-secret", "cache-secret");
            }
            keys.put("oauth.grow.cache-size", String.valueOf(before + 50));
            keys.put("oauth.small.cache-size", String.valueOf(before + 20));
            try (AutoCloseable config = TestConfigs.install(TestConfigs.of(keys))) {
                ApplicationClients.byDefault().client("grow");
                assertThat(TokenCache.shared().capacity()).isEqualTo(before + 50);

                ApplicationClients.byDefault().client("small");
                assertThat(TokenCache.shared().capacity()).as("the largest wins").isEqualTo(before + 50);
                assertThat(TokenProvider.of(config(tokenUrl).clientId("grow").build()))
                        .isEqualTo(TokenProvider.of(config(tokenUrl).clientId("grow").build()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                ApplicationClients.byDefault().close();
                current.setContextClassLoader(previous);
            }
        }
    }

    @Test
    void aBuiltConfigurationLeavesTheSharedCachesCapacityAloneTheBuilderOfACacheSetsItsOwn() {
        int capacityHere = TokenCache.shared().capacity();

        TokenProvider.of(config().clientId("no-size").build());

        assertThat(TokenCache.shared().capacity()).isEqualTo(capacityHere);
        assertThat(fixture.newCache(settings -> settings.capacity(capacityHere + 7)).capacity())
                .isEqualTo(capacityHere + 7);
    }

    @Test
    void closeEndsTheThreadsTheCacheStartedAndNoneOfThemKeepsTheCallersClassLoader() throws Exception {
        TokenCache cache = fixture.cache();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ClassLoader application = new URLClassLoader(new URL[0]);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(application);
        try {
            cache.provider(config().build()).token();
        } finally {
            current.setContextClassLoader(previous);
        }
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .filter(thread -> thread.getName().startsWith("HttpClient-") || thread.getName().startsWith("oauth-filter-"))
                .collect(Collectors.toList());
        assertThat(started).as("the HTTP client's selector and worker threads").isNotEmpty();
        // the HTTP client's threads may outlive the cache until the client is collected: they must not hold the
        // application; the refresh threads are ended by close()
        assertThat(started).filteredOn(thread -> !thread.getName().startsWith("oauth-filter-refresh"))
                .as("no HTTP client thread keeps the application's class loader").isNotEmpty()
                .allSatisfy(thread -> assertThat(thread.getContextClassLoader()).isNotSameAs(application));

        cache.close();

        for (Thread thread : started) {
            if (thread.getName().startsWith("oauth-filter-")) {
                thread.join(10_000);
                assertThat(thread.isAlive()).as(thread.getName() + " ended").isFalse();
            }
        }
        assertThat(cache.size()).isZero();
        assertThat(cache.provider(config().build()).token()).as("the cache works again after close").isNotNull();
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }
}
