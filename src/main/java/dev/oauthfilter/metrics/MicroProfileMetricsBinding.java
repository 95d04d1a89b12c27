package dev.oauthfilter.metrics;

import dev.oauthfilter.cache.RefreshingTokenProvider;
import dev.oauthfilter.cache.TokenEvents;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reports {@link TokenEvents} to a MicroProfile Metrics registry:
 * (every metric also carries the tag {@code app} when the application's name is known)
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

    private final Supplier<MetricRegistry> lookup;
    private final String application;
    private final Set<RefreshingTokenProvider> withoutGauges = ConcurrentHashMap.newKeySet();
    private volatile MetricRegistry registry;

    /**
     * @param lookup      finds the application registry; asked until it answers, since a container may make it
     *                    available only once the application serves requests
     * @param application the application's name, as tag {@code app} (a server shares one application registry
     *                    among its applications), or null
     */
    public MicroProfileMetricsBinding(Supplier<MetricRegistry> lookup, String application) {
        this.lookup = lookup;
        this.application = application;
    }

    private Tag[] tags(String client, String... more) {
        java.util.List<Tag> tags = new java.util.ArrayList<>();
        if (application != null) {
            tags.add(new Tag("app", application));
        }
        tags.add(new Tag("client", client));
        for (int i = 0; i < more.length; i += 2) {
            tags.add(new Tag(more[i], more[i + 1]));
        }
        return tags.toArray(Tag[]::new);
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        MetricRegistry r = registry();
        if (r != null) {
            r.counter(REQUESTS, tags(client, "outcome", outcome)).inc();
            r.timer(DURATION, tags(client)).update(took);
        }
    }

    @Override
    public void backgroundRefresh(String client) {
        MetricRegistry r = registry();
        if (r != null) {
            r.counter(REFRESHES, tags(client)).inc();
        }
    }

    @Override
    public void waited(String client) {
        MetricRegistry r = registry();
        if (r != null) {
            r.counter(WAITERS, tags(client)).inc();
        }
    }

    @Override
    public void providerCreated(RefreshingTokenProvider provider) {
        withoutGauges.add(provider);
        registry();
    }

    private MetricRegistry registry() {
        MetricRegistry r = registry;
        if (r == null) {
            r = lookup.get();
            registry = r;
        }
        if (r != null && !withoutGauges.isEmpty()) {
            for (RefreshingTokenProvider provider : withoutGauges) {
                Tag[] tags = tags(provider.config().name());
                r.gauge(HITS, provider, RefreshingTokenProvider::cacheHits, tags);
                r.gauge(EXPIRY, provider, RefreshingTokenProvider::secondsUntilExpiry, tags);
                withoutGauges.remove(provider);
            }
        }
        return r;
    }
}
