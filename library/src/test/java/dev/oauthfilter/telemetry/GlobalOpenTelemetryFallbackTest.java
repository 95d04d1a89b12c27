package dev.oauthfilter.telemetry;

import dev.oauthfilter.cdi.TokenProviderProducer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TelemetryCapture;
import io.opentelemetry.api.GlobalOpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Without an {@code OpenTelemetry} bean the installer takes the global OpenTelemetry, once something (a Java agent,
 * the application) has set it, and never asks for it before: {@code GlobalOpenTelemetry.get()} would make a no-op the
 * global one for good, and the application's own {@code set} would then fail.
 */
@EnableWeld
class GlobalOpenTelemetryFallbackTest {

    @RegisterExtension
    final TelemetryCapture telemetry = TelemetryCapture.forbidding(() -> new Forbidden[0]);

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld().addBeanClasses(TokenProviderProducer.class))
            .activate(ApplicationScoped.class).build();

    @AfterEach
    void forgetTheGlobal() {
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void theGlobalOpenTelemetryIsTakenOnceSetAndNeverPinnedBefore() {
        assertThat(TelemetryInstaller.applicationOpenTelemetry()).as("nothing set yet: asked again later").isNull();

        assertThatCode(() -> GlobalOpenTelemetry.set(telemetry.openTelemetry())).doesNotThrowAnyException();

        // the global one wraps what was set: a span of it is the SDK's
        TelemetryInstaller.applicationOpenTelemetry().getTracer("probe").spanBuilder("probe").startSpan().end();
        assertThat(telemetry.spans()).extracting(span -> span.getName()).containsExactly("probe");
    }
}
