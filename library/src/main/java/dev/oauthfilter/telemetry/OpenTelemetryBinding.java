package dev.oauthfilter.telemetry;

import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;
import io.opentelemetry.api.OpenTelemetry;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports what happens to tokens to OpenTelemetry: a CLIENT span per HTTP request to the token endpoint (named and
 * attributed after the HTTP client semantic conventions, a child of the span of the caller that waited for the
 * token; a background refresh starts a trace of its own, linked to the call that found the token stale), and the
 * MicroProfile Metrics binding's figures as instruments: {@code oauth.token.requests},
 * {@code oauth.token.request.duration}, {@code oauth.token.refreshes}, {@code oauth.token.waiters},
 * {@code oauth.token.cache.hits}, {@code oauth.token.expiry}. Neither ever carries a token, a secret, a client
 * assertion or a request body: the library hands none of them to a listener.
 *
 * <p>In a MicroProfile Telemetry server (Open Liberty's {@code mpTelemetry-2.0}) the library's CDI extension installs
 * it with the application's {@code OpenTelemetry} bean; do not install it again there. Without CDI:
 * <pre>{@code
 * TokenCache.shared().events(OpenTelemetryBinding.of(openTelemetry));   // every client of the application
 * myCache.events(OpenTelemetryBinding.of(openTelemetry));              // a cache of one's own
 * }</pre>
 * Closing the cache ({@code TokenCache.close()}; the CDI extension closes the application's when it stops)
 * unregisters the binding's asynchronous instruments. The instrumentation scope of its spans and instruments is
 * {@code dev.oauthfilter}.
 */
public final class OpenTelemetryBinding implements TokenEvents {

    // the instrumentation scope of the spans and instruments
    static final String SCOPE = "dev.oauthfilter";

    private static final Logger LOG = Logger.getLogger(OpenTelemetryBinding.class.getName());

    private final Supplier<OpenTelemetry> lookup;
    // the token sources whose cache hits and expiry the asynchronous instruments observe
    // weakly: a source the cache evicts (capacity) or drops (a replaced fleet cache) is not kept alive by its figures
    private final Map<TokenStatus, String> sources = Collections.synchronizedMap(new WeakHashMap<>());
    private final Object lock = new Object();
    private volatile Bound bound;
    private boolean closed;

    /** The spans and instruments of one OpenTelemetry. */
    private static final class Bound {
        final TokenSpans spans;
        final TokenInstruments instruments;

        Bound(TokenSpans spans, TokenInstruments instruments) {
            this.spans = spans;
            this.instruments = instruments;
        }
    }

    /**
     * @param lookup finds the OpenTelemetry; asked until it answers (null: not yet), since a container may make it
     *               available only once the application serves requests
     */
    OpenTelemetryBinding(Supplier<OpenTelemetry> lookup) {
        this.lookup = lookup;
    }

    /**
     * @param openTelemetry where spans and measurements go, e.g. the application's {@code OpenTelemetry} bean or
     *                      {@code GlobalOpenTelemetry.get()}
     * @return the binding, to give to {@code TokenCache.events(...)}
     */
    public static OpenTelemetryBinding of(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        return new OpenTelemetryBinding(() -> openTelemetry);
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        Bound b = bound();
        if (b != null) {
            b.instruments.tokenRequest(client, outcome, took);
        }
    }

    @Override
    public void backgroundRefresh(String client) {
        Bound b = bound();
        if (b != null) {
            b.instruments.backgroundRefresh(client);
        }
    }

    @Override
    public void waited(String client) {
        Bound b = bound();
        if (b != null) {
            b.instruments.waited(client);
        }
    }

    @Override
    public void sourceCreated(String client, TokenStatus status) {
        sources.put(status, client);
        bound();
    }

    @Override
    public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
        Bound b = bound();
        return b == null ? acquisition : b.spans.acquisition(awaited, acquisition);
    }

    @Override
    public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
        Bound b = bound();
        return b == null ? HttpExchange.NONE : b.spans.httpRequest(client, grantType, endpoint, resendCount);
    }

    /** Unregisters the asynchronous instruments' callbacks and forgets the token sources: the application stops. */
    @Override
    public void closed() {
        Bound b;
        synchronized (lock) {
            closed = true;
            b = bound;
            bound = null;
        }
        sources.clear();
        if (b != null) {
            b.instruments.close();
        }
    }

    private Bound bound() {
        Bound b = bound;
        if (b != null) {
            return b;
        }
        synchronized (lock) {
            if (bound == null && !closed) {
                bound = bind();
            }
            return bound;
        }
    }

    /** The spans and instruments of the OpenTelemetry the lookup finds, or null when it finds none yet. */
    private Bound bind() {
        try {
            OpenTelemetry found = lookup.get();
            return found == null ? null : new Bound(new TokenSpans(found.getTracer(SCOPE)),
                    new TokenInstruments(found.getMeter(SCOPE), sources));
        } catch (RuntimeException notYet) {
            // a container's OpenTelemetry may need a thread of the application: asked again at the next event
            LOG.log(Level.FINEST, "no OpenTelemetry yet: {0}", notYet.getClass().getName());
            return null;
        }
    }
}
