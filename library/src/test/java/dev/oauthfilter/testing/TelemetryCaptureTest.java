package dev.oauthfilter.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The telemetry capture finds a secret or token in every form an exported span or metric can carry it (an attribute,
 * an event, a status, a span name, a metric's point), and passes telemetry without one.
 */
class TelemetryCaptureTest {

    private static final String ID = "client:7";
    private static final String SECRET = "s3cr:et /+&=é";
    private static final String TOKEN = "tok-abc-123";

    private final TelemetryCapture capture = TelemetryCapture.forbidding(() -> new Forbidden[] {
            Forbidden.secret(ID, SECRET), Forbidden.token(TOKEN)});

    private static String base64(Base64.Encoder encoder, String text) {
        return encoder.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static Stream<String> leaks() {
        return Stream.of(
                SECRET,
                form(SECRET),
                form(SECRET).replace("+", "%20"),
                "Basic " + base64(Base64.getEncoder(), ID + ":" + SECRET),
                base64(Base64.getUrlEncoder().withoutPadding(), form(ID) + ":" + form(SECRET)),
                "https://idp.example/token?client_secret=" + form(SECRET),
                "x" + base64(Base64.getEncoder(), "unknown-id:" + SECRET),
                TOKEN,
                "Bearer " + TOKEN,
                base64(Base64.getEncoder(), "{\"access_token\":\"" + TOKEN + "\"}"));
    }

    static Stream<BiConsumer<TelemetryCapture, String>> carriers() {
        return Stream.of(
                (telemetry, leak) -> span(telemetry, "POST").setAttribute("url.full", leak).end(),
                (telemetry, leak) -> span(telemetry, leak).end(),
                (telemetry, leak) -> span(telemetry, "POST").addEvent("sent",
                        Attributes.of(AttributeKey.stringKey("body"), leak)).end(),
                (telemetry, leak) -> span(telemetry, "POST").setStatus(StatusCode.ERROR, leak).end(),
                (telemetry, leak) -> telemetry.openTelemetry().getMeter("test").counterBuilder("requests").build()
                        .add(1, Attributes.of(AttributeKey.stringKey("outcome"), leak)));
    }

    private static Span span(TelemetryCapture telemetry, String name) {
        return telemetry.openTelemetry().getTracer("test").spanBuilder(name).startSpan();
    }

    @ParameterizedTest
    @MethodSource("leaks")
    void everyFormOfTheSecretOrTokenIsFoundInEveryPartOfTheTelemetry(String leak) {
        carriers().forEach(carrier -> {
            capture.beforeEach(null);
            carrier.accept(capture, leak);
            assertThatThrownBy(() -> capture.afterEach(null)).isInstanceOf(AssertionError.class);
        });
    }

    @Test
    void telemetryWithoutASecretOrTokenPasses() {
        capture.beforeEach(null);
        carriers().forEach(carrier -> carrier.accept(capture, "client_credentials https://idp.example/token 200"));

        assertThatCode(() -> capture.afterEach(null)).doesNotThrowAnyException();
    }
}
