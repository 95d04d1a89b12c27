package dev.oauthfilter.health;

import dev.oauthfilter.cdi.OAuthFilterExtension;
import dev.oauthfilter.cdi.TokenProviderProducer;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness check, installed by the library's CDI extension because the Health API is present. */
@EnableWeld
class OAuthClientsReadinessCheckTest {

    private static final String SECRET = "health-secret-8080";

    // static: one server for the class, and a capture of the CDI container's start and the class's own set-up too
    @RegisterExtension
    static final TokenServerExtension FIXTURE = TokenServerExtension.forbidding(Forbidden.secret("healthy", SECRET),
            Forbidden.secret("broken", SECRET));
    private static final FakeTokenServer server = FIXTURE.server();
    private static AutoCloseable config;

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addBeanClasses(TokenProviderProducer.class)
                    .addExtensions(new ConfigExtension(), new OAuthFilterExtension()))
            .activate(ApplicationScoped.class)
            .inject(this)
            .build();

    @Inject
    @Readiness
    HealthCheck readiness;

    @BeforeAll
    static void start() {
        server.respond(r -> r.path.equals("/broken/token")
                ? Reply.json(401, "{\"error\":\"invalid_client\"}")
                : Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"expires_in\":3600}"));
        config = TestConfigs.install(TestConfigs.of(Map.of(
                "oauth.token-url", server.uri("/default/token").toString(),
                "oauth.client-id", "healthy", "oauth.client-secret", SECRET,
                "oauth.broken.token-url", server.uri("/broken/token").toString(),
                "oauth.broken.client-id", "broken", "oauth.broken.client-secret", SECRET,
                "oauth.users.propagate", "true", "oauth.users.allowed-hosts", "api.example.com")));
    }

    @AfterAll
    static void stop() throws Exception {
        config.close();
    }

    @Test
    void reportsEveryConfiguredClientAndIsDownWithTheCodeWhenOneCannotGetAToken() {
        HealthCheckResponse response = readiness.call();

        assertThat(response.getName()).isEqualTo("oauth-clients");
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        Map<String, Object> data = response.getData().orElseThrow();
        assertThat(data).containsOnlyKeys("default", "broken", "users");
        assertThat((String) data.get("default")).matches("UP, token expires in 3\\d{3} s");
        assertThat(data.get("broken")).isEqualTo("DOWN TOKEN_ENDPOINT_ERROR");
        assertThat(data.get("users")).isEqualTo("UP (propagation)");
        assertThat(data.toString()).doesNotContain(SECRET).doesNotContain("tok-");
    }

    /** Payara calls a check with another context class loader than the application's (its ApplicationInfo's). */
    @Test
    void reportsTheApplicationsClientsWhenTheRuntimeCallsItUnderAnotherContextClassLoader() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        HealthCheckResponse response;
        try (URLClassLoader runtimes = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(runtimes);
            response = readiness.call();
            assertThat(thread.getContextClassLoader()).as("the caller's class loader, restored").isSameAs(runtimes);
        } finally {
            thread.setContextClassLoader(own);
        }

        assertThat(response.getData().orElseThrow()).containsOnlyKeys("default", "broken", "users");
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
