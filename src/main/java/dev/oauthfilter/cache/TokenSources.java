package dev.oauthfilter.cache;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.endpoint.TokenEndpointClient;
import dev.oauthfilter.endpoint.TokenHttpClients;

import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * Makes the token sources of one cache: a caching, refreshing provider in front of a token endpoint client, all
 * sharing the cache's HTTP clients, clock and refresh executor. The one place where the public factory
 * ({@link dev.oauthfilter.TokenCache}) reaches the implementation.
 */
public final class TokenSources implements AutoCloseable {

    private final Clock clock;
    private final Executor executor;
    private final TokenHttpClients httpClients = new TokenHttpClients();

    /**
     * @param clock    decides FRESH / STALE / EXPIRED and stamps tokens
     * @param executor runs background refreshes
     */
    public TokenSources(Clock clock, Executor executor) {
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * @param config the settings of the source (endpoint, credentials, TLS, timeouts)
     * @return a new source
     */
    public RefreshingTokenProvider create(OAuthClientConfig config) {
        TokenEndpointClient endpoint = new TokenEndpointClient(config,
                httpClients.forSettings(config.connectTimeout(), config.sslContext()), clock);
        return new RefreshingTokenProvider(config, endpoint::requestToken, clock, executor);
    }

    /** Releases the HTTP clients and their threads (made anew if asked again). */
    @Override
    public void close() {
        httpClients.close();
    }
}
