package dev.oauthfilter.telemetry;

import dev.oauthfilter.TokenStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.function.BinaryOperator;

/**
 * The figures of the MicroProfile Metrics binding as OpenTelemetry instruments, with the same names (OpenTelemetry's
 * dots; a Prometheus exporter writes {@code oauth_token_requests_total} as the MicroProfile one does) and attributes
 * in the library's namespace, {@code oauth.client} (MicroProfile tag {@code client}) and {@code oauth.outcome}
 * ({@code outcome}):
 * <ul>
 *   <li>{@code oauth.token.requests}, counter, {@code {request}}, by client and outcome ({@code success} or the error
 *       code): every request to the token endpoint, retries and token exchanges included (MicroProfile: counter
 *       {@code oauth.token.requests});</li>
 *   <li>{@code oauth.token.request.duration}, histogram, {@code s}, by client and outcome, with the buckets of
 *       {@code http.client.request.duration} (MicroProfile: timer {@code oauth.token.request.duration}, by
 *       client);</li>
 *   <li>{@code oauth.token.refreshes}, counter, {@code {refresh}}: background refreshes of stale tokens started
 *       (MicroProfile: counter of the same name);</li>
 *   <li>{@code oauth.token.waiters}, counter, {@code {call}}: calls that had no usable token and waited (MicroProfile:
 *       counter of the same name);</li>
 *   <li>{@code oauth.token.cache.hits}, asynchronous counter, {@code {call}}: calls served from the cached token,
 *       summed over the client's token sources (MicroProfile: gauge of the same name);</li>
 *   <li>{@code oauth.token.expiry}, asynchronous gauge, {@code s}: seconds until the client's token expires, the
 *       longest-lived of its sources (MicroProfile: gauge of the same name).</li>
 * </ul>
 * The asynchronous instruments' callbacks read the token sources: {@link #close()} unregisters them, or a
 * server-wide OpenTelemetry would keep a stopped application (its sources, this class, its class loader) alive.
 */
final class TokenInstruments implements AutoCloseable {

    static final AttributeKey<String> CLIENT = AttributeKey.stringKey("oauth.client");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("oauth.outcome");
    static final String SUCCESS = "success";

    // those of http.client.request.duration (HTTP semantic conventions): a token request is one HTTP request or a few
    private static final List<Double> DURATION_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private final LongCounter requests;
    private final DoubleHistogram duration;
    private final LongCounter refreshes;
    private final LongCounter waiters;
    private final ObservableLongCounter cacheHits;
    private final ObservableLongGauge expiry;

    /**
     * @param meter   the library's meter
     * @param sources the token sources to observe, with their clients' names (read at each collection)
     */
    TokenInstruments(Meter meter, Map<TokenStatus, String> sources) {
        requests = meter.counterBuilder("oauth.token.requests").setUnit("{request}")
                .setDescription("Requests to the token endpoint, by client and outcome").build();
        duration = withDurationBuckets(meter.histogramBuilder("oauth.token.request.duration").setUnit("s")
                .setDescription("Duration of token endpoint requests")).build();
        refreshes = meter.counterBuilder("oauth.token.refreshes").setUnit("{refresh}")
                .setDescription("Background refreshes of stale tokens started").build();
        waiters = meter.counterBuilder("oauth.token.waiters").setUnit("{call}")
                .setDescription("Calls that had no usable token and waited for one").build();
        cacheHits = meter.counterBuilder("oauth.token.cache.hits").setUnit("{call}")
                .setDescription("Calls served from the cached token")
                .buildWithCallback(measurement -> observe(measurement, sources, TokenStatus::cacheHits, Long::sum));
        expiry = meter.gaugeBuilder("oauth.token.expiry").ofLongs().setUnit("s")
                .setDescription("Seconds until the cached token expires")
                .buildWithCallback(measurement -> observe(measurement, sources, TokenStatus::secondsUntilExpiry,
                        Math::max));
    }

    void tokenRequest(String client, String outcome, Duration took) {
        Attributes attributes = Attributes.of(CLIENT, client, OUTCOME, outcome);
        requests.add(1, attributes);
        duration.record(took.toNanos() / 1e9, attributes);
    }

    void backgroundRefresh(String client) {
        refreshes.add(1, Attributes.of(CLIENT, client));
    }

    void waited(String client) {
        waiters.add(1, Attributes.of(CLIENT, client));
    }

    /** One value per client: two sources of one client name (configurations that differ) must not clash. */
    private static void observe(ObservableLongMeasurement measurement, Map<TokenStatus, String> sources,
                                ToLongFunction<TokenStatus> value, BinaryOperator<Long> merge) {
        Map<String, Long> byClient = new HashMap<>();
        sources.forEach((status, client) -> byClient.merge(client, value.applyAsLong(status), merge));
        byClient.forEach((client, observed) -> measurement.record(observed, Attributes.of(CLIENT, client)));
    }

    /** Unregisters the callbacks of the asynchronous instruments. */
    @Override
    public void close() {
        cacheHits.close();
        expiry.close();
    }

    /**
     * The bucket advice where the server's OpenTelemetry API has it (1.32 and later); an older one (Payara 7.2025.1
     * gives applications 1.29) lacks the method, and the histogram then has the SDK's default buckets.
     */
    static DoubleHistogramBuilder withDurationBuckets(DoubleHistogramBuilder histogram) {
        try {
            return histogram.setExplicitBucketBoundariesAdvice(DURATION_BUCKETS);
        } catch (IncompatibleClassChangeError olderApi) {
            return histogram;
        }
    }
}
