package dev.oauthfilter.cdi;

import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** CDI: {@code @Inject TokenProvider}, {@code @Inject @OAuthClient("name") TokenProvider}, on Weld + SmallRye. */
@EnableWeld
class TokenProviderProducerTest {

    private static final String SECRET = "cdi-secret-3141";

    // static: one server for the class, and a capture of the CDI container's start and the class's own set-up too
    @RegisterExtension
    static final TokenServerExtension FIXTURE = TokenServerExtension.forbidding(
            Forbidden.secret("cdi-default", SECRET), Forbidden.secret("cdi-billing", SECRET));
    private static final FakeTokenServer server = FIXTURE.server();
    private static AutoCloseable config;

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addBeanClasses(TokenProviderProducer.class)
                    .addExtensions(new ConfigExtension()))
            .activate(ApplicationScoped.class)
            .inject(this)
            .build();

    @Inject
    TokenProvider defaultTokens;

    @Inject
    @OAuthClient("billing")
    TokenProvider billingTokens;

    @Inject
    @OAuthClient("unconfigured")
    Instance<TokenProvider> unconfigured;

    @BeforeAll
    static void start() {
        config = TestConfigs.install(TestConfigs.of(Map.of(
                "oauth.token-url", server.uri("/default/token").toString(),
                "oauth.client-id", "cdi-default",
                "oauth.client-secret", SECRET,
                "oauth.billing.token-url", server.uri("/billing/token").toString(),
                "oauth.billing.client-id", "cdi-billing",
                "oauth.billing.client-secret", SECRET)));
    }

    @AfterAll
    static void stop() throws Exception {
        config.close();
    }

    @Test
    void theDefaultClientIsInjectedFromTheOAuthKeys() {
        String header = defaultTokens.authorizationHeader();

        assertThat(server.tokenRequests()).filteredOn(r -> r.path.equals("/default/token")).isNotEmpty();
        assertThat(header).startsWith("Bearer tok-");
    }

    @Test
    void aNamedClientIsInjectedByQualifierFromItsPrefixedKeys() {
        String header = billingTokens.authorizationHeader();

        assertThat(server.tokenRequests()).filteredOn(r -> r.path.equals("/billing/token")).isNotEmpty();
        assertThat(header).isNotEqualTo(defaultTokens.authorizationHeader());
    }

    @Test
    void anUnconfiguredNamedClientFailsWithTheKeyToSet() {
        TokenException e = catchThrowableOfType(TokenException.class, unconfigured::get);

        assertThat(e.code()).isEqualTo("MISSING_SERVER_URL");
        assertThat(e.getMessage()).contains("oauth.unconfigured.token-url");
    }

    @Test
    void theFilterRegisteredByClassFindsTheSameClientsAsCdiInTheRegistry() {
        assertThat(ApplicationClients.byDefault().client("billing")).isSameAs(billingTokens);

        Client client = ClientBuilder.newClient().register(OAuthClientFilter.class);
        try {
            client.target(server.uri("/api/notes")).request().get().close();
        } finally {
            client.close();
        }

        assertThat(server.apiRequests()).last().satisfies(r ->
                assertThat(r.header("Authorization")).isEqualTo(defaultTokens.authorizationHeader()));
    }
}
