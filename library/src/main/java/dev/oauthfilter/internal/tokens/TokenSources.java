package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.internal.endpoint.DPoPProofs;
import dev.oauthfilter.internal.endpoint.TokenEndpointClient;
import dev.oauthfilter.internal.endpoint.TokenHttpClients;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Makes the token sources of one cache: a caching, refreshing provider in front of a token endpoint client, all
 * sharing the cache's HTTP clients, clock and refresh executor. The one place where the public factory
 * ({@link dev.oauthfilter.TokenCache}) reaches the implementation.
 */
public final class TokenSources implements AutoCloseable {

    // background refreshes of one cache in flight at once (a STALE token is served meanwhile: none is urgent)
    static final int BACKGROUND_REFRESHES = 16;

    private final Clock clock;
    private final Executor executor;
    private final Executor background;
    private final TokenHttpClients httpClients = new TokenHttpClients();
    private final SharedStore store;

    /**
     * @param clock    decides FRESH / STALE / EXPIRED and stamps tokens
     * @param executor runs token requests ({@value #BACKGROUND_REFRESHES} background refreshes at most at once)
     */
    public TokenSources(Clock clock, Executor executor) {
        this.clock = clock;
        this.executor = executor;
        this.background = new BackgroundRefreshes(executor, BACKGROUND_REFRESHES);
        this.store = null;
    }

    /**
     * Sources whose tokens every member of a fleet shares through JCache caches of {@code manager} (named
     * {@value SharedStore#TOKENS} and {@value SharedStore#LEASES}).
     *
     * @param clock        decides FRESH / STALE / EXPIRED and stamps tokens
     * @param executor     runs background refreshes
     * @param manager      the JCache cache manager whose caches the fleet shares
     * @param storeTimeout the longest one operation on the shared caches may take before a fetch goes on alone
     * @param leaseTime    how long one member may fetch for the fleet before another takes over
     */
    public TokenSources(Clock clock, Executor executor, javax.cache.CacheManager manager, Duration storeTimeout,
                        Duration leaseTime) {
        this.clock = clock;
        this.executor = executor;
        this.background = new BackgroundRefreshes(executor, BACKGROUND_REFRESHES);
        this.store = new SharedStore(manager, storeTimeout, leaseTime);
    }

    /**
     * @param config the settings of the source (endpoint, credentials, TLS, timeouts)
     * @return a new source
     */
    public RefreshingTokenSource create(OAuthClientConfig config) {
        // the tokens of the source are bound to its DPoP key: the configured one, else one of its own
        DPoPProofs proofs = !config.dpop().enabled() ? null
                : config.dpop().key().map(key -> DPoPProofs.of(key, clock)).orElseGet(() -> DPoPProofs.generate(clock));
        TokenEndpointClient endpoint = new TokenEndpointClient(config,
                httpClients.forSettings(config.timing().connectTimeout(), config.tls().context()), clock, proofs);
        return new RefreshingTokenSource(config, TokenSource.reporting(endpoint::requestToken), clock, executor,
                background, store, proofs);
    }

    /**
     * @param config the client that exchanges tokens (endpoint, credentials, audience, scope, resources, timeouts)
     * @return a new cache of tokens exchanged by that client (RFC 8693)
     */
    public ExchangedTokens exchange(OAuthClientConfig config) {
        TokenEndpointClient endpoint = new TokenEndpointClient(config,
                httpClients.forSettings(config.timing().connectTimeout(), config.tls().context()), clock);
        return new ExchangedTokens(config, endpoint, clock);
    }

    /** Releases the HTTP clients and their threads (made anew if asked again). */
    @Override
    public void close() {
        httpClients.close();
        if (store != null) {
            store.close();
        }
    }
}
