package dev.oauthfilter.telemetry;

import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.cdi.OAuthFilterExtension;
import dev.oauthfilter.cdi.TokenProviderProducer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TelemetryCapture;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static dev.oauthfilter.telemetry.TelemetryTesting.inRequest;
import static dev.oauthfilter.telemetry.TelemetryTesting.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a CDI container with an {@code OpenTelemetry} bean (as MicroProfile Telemetry gives one, application scoped, on
 * Open Liberty), the library's extension installs the binding beside the MicroProfile Metrics one (both APIs are on
 * this test's class path): the application's clients are traced and measured with no code of the application's.
 */
@EnableWeld
class TelemetryInstallerTest {

    private static final String SECRET = "installer-secret-1212";

    @RegisterExtension
    @Order(1)
    static final TelemetryCapture TELEMETRY = TelemetryCapture.forbidding(() -> TelemetryInstallerTest.FIXTURE
            .forbidden());
    @RegisterExtension
    @Order(2)
    static final TokenServerExtension FIXTURE = TokenServerExtension.forbidding(
            Forbidden.secret("installed", SECRET));
    private static AutoCloseable config;

    /** What MicroProfile Telemetry provides: the application's OpenTelemetry as an application-scoped bean. */
    @ApplicationScoped
    static class ApplicationOpenTelemetry {
        @Produces
        @ApplicationScoped
        OpenTelemetry openTelemetry() {
            return TELEMETRY.openTelemetry();
        }
    }

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
                    .addBeanClasses(TokenProviderProducer.class, ApplicationOpenTelemetry.class)
                    .addExtensions(new ConfigExtension(), new OAuthFilterExtension()))
            .activate(ApplicationScoped.class)
            .inject(this)
            .build();

    @Inject
    TokenProvider tokens;

    @BeforeAll
    static void configure() {
        config = TestConfigs.install(TestConfigs.of(Map.of(
                "oauth.token-url", FIXTURE.server().uri("/token").toString(),
                "oauth.client-id", "installed",
                "oauth.client-secret", SECRET)));
    }

    @AfterAll
    static void unconfigure() throws Exception {
        config.close();
    }

    @Test
    void theApplicationsClientsAreTracedAndMeasuredWithTheOpenTelemetryBean() {
        Span[] caller = new Span[1];

        inRequest(TELEMETRY.openTelemetry(), "GET /installed", caller, tokens::token);

        assertThat(TELEMETRY.spans()).filteredOn(span -> span.getInstrumentationScopeInfo().getName()
                .equals("dev.oauthfilter")).singleElement().satisfies(span ->
                assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext()));
        assertThat(sum(TELEMETRY.metric("oauth.token.requests").orElseThrow(),
                "oauth.client", "default", "oauth.outcome", "success")).isEqualTo(1);
    }
}
