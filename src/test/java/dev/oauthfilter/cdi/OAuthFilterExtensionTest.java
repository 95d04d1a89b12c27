package dev.oauthfilter.cdi;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import io.smallrye.config.inject.ConfigExtension;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** When the application's CDI container stops, the library lets go of everything it started (redeploys). */
class OAuthFilterExtensionTest {

    @Test
    void stoppingTheContainerClosesTheSharedTokenCache() {
        try (WeldContainer container = new Weld().disableDiscovery()
                .addExtension(new ConfigExtension()).addExtension(new OAuthFilterExtension()).initialize()) {
            TokenCache.shared().provider(OAuthClientConfig.builder().tokenUrl(URI.create("http://127.0.0.1:9/token"))
                    .clientId("redeployed").clientSecret("redeployed-secret").build());
            assertThat(TokenCache.shared().size()).isPositive();
        }

        assertThat(TokenCache.shared().size()).as("sources released at BeforeShutdown").isZero();
    }
}
