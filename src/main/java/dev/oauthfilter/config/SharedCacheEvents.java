package dev.oauthfilter.config;

import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenStatus;

import java.time.Duration;

/**
 * Reports a registry's own cache (the one that shares tokens with a fleet) to whatever listens to
 * {@link TokenCache#shared()} at the moment of each event: the MicroProfile Metrics binding is installed there, by the
 * CDI extension, and would otherwise never hear of the fleet's tokens. {@code closed()} is not passed on: the listener
 * releases what it registered when the shared cache closes, with the application.
 */
final class SharedCacheEvents implements TokenEvents {

    private static TokenEvents listener() {
        return TokenCache.shared().events();
    }

    @Override
    public void tokenRequest(String client, String outcome, Duration took) {
        listener().tokenRequest(client, outcome, took);
    }

    @Override
    public void backgroundRefresh(String client) {
        listener().backgroundRefresh(client);
    }

    @Override
    public void waited(String client) {
        listener().waited(client);
    }

    @Override
    public void sourceCreated(String client, TokenStatus status) {
        listener().sourceCreated(client, status);
    }
}
