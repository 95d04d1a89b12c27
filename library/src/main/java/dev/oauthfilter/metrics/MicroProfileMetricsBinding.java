package dev.oauthfilter.metrics;

import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.ArrayList;
import java.util.List;

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
    // sources whose gauges wait for the registry, with their client names
    private final Map<TokenStatus, String> withoutGauges = new ConcurrentHashMap<>();
    // what this binding registered, removed when the application stops: a gauge holds its token source, and a
    // server-wide application registry would otherwise keep the stopped application alive
    private final Set<MetricID> registered = ConcurrentHashMap.newKeySet();
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
        List<Tag> tags = new ArrayList<>();
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
            r.counter(REQUESTS, registering(REQUESTS, tags(client, "outcome", outcome))).inc();
            r.timer(DURATION, registering(DURATION, tags(client))).update(took);
        }
    }

    @Override
    public void backgroundRefresh(String client) {
        MetricRegistry r = registry();
        if (r != null) {
            r.counter(REFRESHES, registering(REFRESHES, tags(client))).inc();
        }
    }

    @Override
    public void waited(String client) {
        MetricRegistry r = registry();
        if (r != null) {
            r.counter(WAITERS, registering(WAITERS, tags(client))).inc();
        }
    }

    @Override
    public void sourceCreated(String client, TokenStatus status) {
        withoutGauges.put(status, client);
        registry();
    }

    @Override
    public void closed() {
        MetricRegistry r = registry;
        withoutGauges.clear();
        if (r != null) {
            registered.forEach(r::remove);
        }
        registered.clear();
    }

    private Tag[] registering(Metadata metadata, Tag[] tags) {
        registered.add(new MetricID(metadata.getName(), tags));
        return tags;
    }

    private MetricRegistry registry() {
        MetricRegistry r = registry;
        if (r == null) {
            r = lookup.get();
            registry = r;
        }
        if (r != null && !withoutGauges.isEmpty()) {
            for (Map.Entry<TokenStatus, String> source : withoutGauges.entrySet()) {
                Tag[] tags = tags(source.getValue());
                r.gauge(HITS, source.getKey(), TokenStatus::cacheHits, registering(HITS, tags));
                r.gauge(EXPIRY, source.getKey(), TokenStatus::secondsUntilExpiry, registering(EXPIRY, tags));
                withoutGauges.remove(source.getKey());
            }
        }
        return r;
    }
}
