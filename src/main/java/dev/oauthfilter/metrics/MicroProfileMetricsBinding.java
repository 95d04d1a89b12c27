package dev.oauthfilter.metrics;

import dev.oauthfilter.cache.RefreshingTokenProvider;
import dev.oauthfilter.cache.TokenEvents;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;

/**
 * Reports {@link TokenEvents} to a MicroProfile Metrics registry:
 * <ul>
 *   <li>{@code oauth.token.requests} (counter; tags {@code client}, {@code outcome} = {@code success} or the error
 *       code) and {@code oauth.token.request.duration} (timer; tag {@code client}): every request to a token
 *       endpoint, retries included;</li>
 *   <li>{@code oauth.token.refreshes} and {@code oauth.token.waiters} (counters; tag {@code client}): background
 *       refreshes started, and calls that had to wait for a token;</li>
 *   <li>{@code oauth.token.cache.hits} and {@code oauth.token.expiry} (gauges; tag {@code client}): calls served from
 *       the cached token, and seconds until it expires.</li>
 * </ul>
 */
public final class MicroProfileMetricsBinding implements TokenEvents {

    private static final Metadata REQUESTS = Metadata.builder().withName("oauth.token.requests")
            .withDescription("Requests to the token endpoint, by client and outcome").build();
    private static final Metadata DURATION = Metadata.builder().withName("oauth.token.request.duration")
            .withDescription("Duration of token endpoint requests").withUnit(MetricUnits.SECONDS).build();
    private static final Metadata REFRESHES = Metadata.builder().withName("oauth.token.refreshes")
            .withDescription("Background refreshes of stale tokens started").build();
    private static final Metadata WAITERS = Metadata.builder().withName("oauth.token.waiters")
            .withDescription("Calls that had no usable token and waited for one").build();
    private static final Metadata HITS = Metadata.builder().withName("oauth.token.cache.hits")
            .withDescription("Calls served from the cached token (monotonic)").build();
    private static final Metadata EXPIRY = Metadata.builder().withName("oauth.token.expiry")
            .withDescription("Seconds until the cached token expires").withUnit(MetricUnits.SECONDS).build();

    private final MetricRegistry registry;

    /** @param registry the application registry */
    public MicroProfileMetricsBinding(MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        registry.counter(REQUESTS, new Tag("client", client), new Tag("outcome", outcome)).inc();
        registry.timer(DURATION, new Tag("client", client)).update(took);
    }

    @Override
    public void backgroundRefresh(String client) {
        registry.counter(REFRESHES, new Tag("client", client)).inc();
    }

    @Override
    public void waited(String client) {
        registry.counter(WAITERS, new Tag("client", client)).inc();
    }

    @Override
    public void providerCreated(RefreshingTokenProvider provider) {
        Tag client = new Tag("client", provider.config().name());
        registry.gauge(HITS, provider, RefreshingTokenProvider::cacheHits, client);
        registry.gauge(EXPIRY, provider, RefreshingTokenProvider::secondsUntilExpiry, client);
    }
}
