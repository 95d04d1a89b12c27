package dev.oauthfilter.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** What the binding's tests share: an application's request span around a call, attributes by name, points. */
final class TelemetryTesting {

    private TelemetryTesting() {
    }

    /**
     * @return what {@code call} returned, called as an application's request handler would: inside a SERVER span
     *         of its own (ended after), whose context is {@code handled[0]} afterwards
     */
    static <T> T inRequest(OpenTelemetry openTelemetry, String name, Span[] handled, Supplier<T> call) {
        Span request = openTelemetry.getTracer("the-application").spanBuilder(name).setSpanKind(SpanKind.SERVER)
                .startSpan();
        handled[0] = request;
        try (Scope ignored = request.makeCurrent()) {
            return call.get();
        } finally {
            request.end();
        }
    }

    /** @return the span's attributes by name, sorted */
    static Map<String, Object> attributes(SpanData span) {
        Map<String, Object> byName = new TreeMap<>();
        span.getAttributes().forEach((key, value) -> byName.put(key.getKey(), value));
        return byName;
    }

    /** @return the value of the long sum point whose attributes are these (name, value pairs) */
    static long sum(MetricData metric, String... attributes) {
        return metric.getLongSumData().getPoints().stream()
                .filter(point -> matches(point.getAttributes().asMap(), attributes))
                .mapToLong(point -> point.getValue()).sum();
    }

    static boolean matches(Map<io.opentelemetry.api.common.AttributeKey<?>, Object> actual, String... expected) {
        Map<String, Object> byName = new TreeMap<>();
        actual.forEach((key, value) -> byName.put(key.getKey(), value));
        Map<String, Object> wanted = new TreeMap<>();
        for (int i = 0; i < expected.length; i += 2) {
            wanted.put(expected[i], expected[i + 1]);
        }
        return byName.equals(wanted);
    }
}
