package dev.oauthfilter.telemetry;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.FreshLibrary;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.testing.TelemetryCapture;
import dev.oauthfilter.testing.TokenServerExtension;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.oauthfilter.telemetry.TelemetryTesting.matches;
import static dev.oauthfilter.telemetry.TelemetryTesting.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MicroProfile Metrics binding's figures as OpenTelemetry instruments, read from a real SDK after real token
 * requests; and closing the cache unregisters the asynchronous instruments' callbacks, so that an OpenTelemetry that
 * outlives the application (Liberty's runtime-wide one) keeps nothing of it: neither its token sources nor the
 * binding's classes, and so not its class loader.
 */
class TokenInstrumentsTest {

    private static final String SECRET = "instruments-secret-3307";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);

    @RegisterExtension
    @Order(1)
    final TelemetryCapture telemetry = TelemetryCapture.forbidding(() -> fixture().forbidden());
    @RegisterExtension
    @Order(2)
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    // refreshes run when the test says so, inline on the test's thread until it holds them
    private final ManualExecutor executor = new ManualExecutor();

    private TokenServerExtension fixture() {
        return fixture;
    }

    private TokenCache traced() {
        TokenCache cache = fixture.newCache(settings -> settings.executor(executor));
        cache.events(OpenTelemetryBinding.of(telemetry.openTelemetry()));
        return cache;
    }

    private OAuthClientConfig config() {
        return OAuthClientConfig.builder().name("orders").tokenUrl(fixture.server().uri("/token"))
                .clientId("instruments").clientSecret(SECRET).maxAttempts(2).retryBackoff(Duration.ofMillis(1))
                .build();
    }

    private MetricData metric(String name) {
        return telemetry.metric(name).orElseThrow(() -> new AssertionError("no points of " + name));
    }

    /**
     * The cache's bound holds for the binding too: a source the cache evicted is not kept by the instruments that
     * observe it (the review found 50 of 50 kept with a capacity of 2), so its client's expiry stops being reported.
     */
    @Test
    void aSourceTheCacheEvictedIsNotKeptByTheInstruments() {
        TokenCache cache = fixture.newCache(settings -> settings.executor(executor).capacity(2));
        cache.events(OpenTelemetryBinding.of(telemetry.openTelemetry()));
        for (int i = 0; i < 50; i++) {
            cache.provider(OAuthClientConfig.builder().name("tenant-" + i).tokenUrl(fixture.server().uri("/token"))
                    .clientId("tenant-" + i).clientSecret(SECRET).build()).token();
        }

        // a full collection clears what only the binding's weak map held; each reading of the figures then drops it
        int reported = reportedClients();
        for (int collections = 0; reported > 2 && collections < 20; collections++) {
            System.gc();
            reported = reportedClients();
        }
        assertThat(reported).as("clients whose expiry is still observed, with a cache of capacity 2").isLessThanOrEqualTo(2);
    }

    private int reportedClients() {
        return telemetry.metric("oauth.token.expiry").map(m -> m.getLongGaugeData().getPoints().size()).orElse(0);
    }

    @Test
    void requestsWaitersRefreshesCacheHitsAndExpiryAreMeasuredPerClient() {
        AtomicInteger asked = new AtomicInteger();
        fixture.server().respond(request -> asked.incrementAndGet() == 1 ? Reply.json(503, "{}")
                : Reply.json(200, "{\"access_token\":\"" + fixture.server().newToken() + "\",\"expires_in\":3600}"));
        TokenProvider tokens = traced().provider(config());

        tokens.token();
        tokens.token();
        tokens.token();
        fixture.clock().advance(LIFETIME.minusSeconds(50));
        executor.hold();
        tokens.token();
        executor.runAll();

        MetricData requests = metric("oauth.token.requests");
        assertThat(requests.getUnit()).isEqualTo("{request}");
        assertThat(sum(requests, "oauth.client", "orders", "oauth.outcome", "TOKEN_ENDPOINT_ERROR")).isEqualTo(1);
        assertThat(sum(requests, "oauth.client", "orders", "oauth.outcome", "success")).isEqualTo(2);
        MetricData duration = metric("oauth.token.request.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints()).extracting(HistogramPointData::getCount).contains(1L, 2L);
        assertThat(duration.getHistogramData().getPoints().iterator().next().getBoundaries())
                .startsWith(0.005, 0.01, 0.025).endsWith(10.0);
        assertThat(sum(metric("oauth.token.waiters"), "oauth.client", "orders")).isEqualTo(1);
        assertThat(sum(metric("oauth.token.refreshes"), "oauth.client", "orders")).isEqualTo(1);
        assertThat(sum(metric("oauth.token.cache.hits"), "oauth.client", "orders")).isEqualTo(3);
        assertThat(metric("oauth.token.expiry").getLongGaugeData().getPoints()).singleElement().satisfies(point -> {
            assertThat(matches(point.getAttributes().asMap(), "oauth.client", "orders")).isTrue();
            assertThat(point.getValue()).isEqualTo(3600);
        });
    }

    @Test
    void twoSourcesOfOneClientNameAreOnePointEach() {
        TokenCache cache = traced();
        TokenProvider one = cache.provider(config());
        TokenProvider other = cache.provider(OAuthClientConfig.builder().name("orders")
                .tokenUrl(fixture.server().uri("/other/token")).clientId("instruments-2").clientSecret(SECRET)
                .build());

        one.token();
        one.token();
        other.token();
        other.token();
        fixture.clock().advance(Duration.ofSeconds(100));

        assertThat(metric("oauth.token.cache.hits").getLongSumData().getPoints()).singleElement()
                .satisfies(point -> assertThat(point.getValue()).isEqualTo(2));
        assertThat(metric("oauth.token.expiry").getLongGaugeData().getPoints()).singleElement()
                .satisfies(point -> assertThat(point.getValue()).isEqualTo(3500));
    }

    @Test
    void closingTheCacheUnregistersTheCallbacks() {
        TokenCache cache = traced();
        TokenProvider tokens = cache.provider(config());
        tokens.token();
        tokens.token();
        assertThat(telemetry.metric("oauth.token.cache.hits")).isPresent();

        cache.close();

        assertThat(telemetry.metric("oauth.token.cache.hits")).isEmpty();
        assertThat(telemetry.metric("oauth.token.expiry")).isEmpty();
    }

    @Test
    void aClosedBindingLeavesNothingOfTheStoppedApplicationInAnOpenTelemetryThatLivesOn() {
        List<Collection<MetricData>> whileBound = new ArrayList<>();
        Runnable collect = () -> whileBound.add(telemetry.metrics());

        // the library loaded anew, as in an application's class loader; the SDK is the test's (a server's, say)
        WeakReference<ClassLoader> application = FreshLibrary.runThenRelease(BoundThenClosed.class,
                Map.of("openTelemetry", telemetry.openTelemetry(), "collect", collect));

        assertThat(whileBound).singleElement().satisfies(metrics -> assertThat(metrics)
                .filteredOn(metric -> metric.getName().equals("oauth.token.cache.hits"))
                .singleElement().satisfies(metric -> assertThat(sum(metric, "oauth.client", "orders")).isEqualTo(7)));
        assertThat(telemetry.metric("oauth.token.cache.hits")).isEmpty();
        for (int gc = 0; gc < 20 && application.get() != null; gc++) {
            System.gc();
        }
        assertThat(application.get()).as("the stopped application's class loader, once its binding closed").isNull();
    }

    /** An application's binding, told of a token source, measured, then closed as the application stops. */
    public static final class BoundThenClosed implements Consumer<Map<String, Object>> {
        @Override
        public void accept(Map<String, Object> argument) {
            OpenTelemetryBinding binding = OpenTelemetryBinding.of((OpenTelemetry) argument.get("openTelemetry"));
            binding.sourceCreated("orders", new TokenStatus() {
                @Override
                public long cacheHits() {
                    return 7;
                }
            });
            ((Runnable) argument.get("collect")).run();
            binding.closed();
        }
    }
}
