package dev.oauthfilter.cdi;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.ApplicationClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;


/**
 * Produces the {@link TokenProvider}s of the clients configured in MicroProfile Config.
 *
 * <pre>{@code
 * @Inject TokenProvider tokens;                              // oauth.* keys
 * @Inject @OAuthClient("billing") TokenProvider billing;     // oauth.billing.* keys
 * }</pre>
 */
@ApplicationScoped
public class TokenProviderProducer {

    /** @return the default client's provider ({@code oauth.*} keys) */
    @Produces
    @Default
    public TokenProvider defaultClient() {
        return provider(OAuthClientConfig.DEFAULT_NAME);
    }

    /**
     * @param injectionPoint where it is injected, carrying the {@link OAuthClient} name
     * @return the named client's provider ({@code oauth.<name>.*} keys)
     */
    @Produces
    @OAuthClient("")
    public TokenProvider namedClient(InjectionPoint injectionPoint) {
        String name = injectionPoint.getQualifiers().stream()
                .filter(OAuthClient.class::isInstance)
                .map(q -> ((OAuthClient) q).value())
                .findFirst()
                .orElse(OAuthClientConfig.DEFAULT_NAME);
        return provider(name);
    }

    /**
     * @param name a client name
     * @return its provider, from the application's clients ({@link ApplicationClients}: the same the filter uses)
     */
    public TokenProvider provider(String name) {
        return ApplicationClients.byDefault().client(name);
    }
}
