package dev.oauthfilter.internal;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.OAuthFilterDelegate;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import dev.oauthfilter.internal.jaxrs.AuthorizingFilter;

import javax.cache.CacheManager;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The library's {@link OAuthFilterDelegate}: the API's defaults are those of the class loader's
 * {@link ApplicationClients}. Found through {@code META-INF/services/dev.oauthfilter.OAuthFilterDelegate} (and the
 * module's {@code provides}).
 */
public final class LibraryDelegate extends OAuthFilterDelegate {

    @Override
    protected TokenCache defaultCache() {
        return ApplicationClients.byDefault().cache();
    }

    @Override
    protected TokenCache newCache(Clock clock, Executor executor, int capacity, CacheManager sharedVia,
                                  Duration storeTimeout, Duration leaseTime) {
        return ApplicationClients.byDefault().newCache(clock, executor, capacity, sharedVia, storeTimeout, leaseTime);
    }

    @Override
    protected OAuthClientConfig readConfig(org.eclipse.microprofile.config.Config config, String name) {
        return MicroProfileClientConfigs.read(config, name);
    }

    @Override
    protected Filter newFilter(TokenProvider tokens) {
        return new AuthorizingFilter(tokens, ApplicationClients.byDefault());
    }
}
