package dev.oauthfilter.testing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real OpenTelemetry SDK (not the global one) whose spans are exported as they end to memory and whose metrics are
 * read on demand, and, after each test, the check that nothing it exported holds a secret, a token, an assertion or
 * a request body ({@link Forbidden}, in every form: literally, URL-encoded, in Base64): every span's name, status,
 * attributes, events and links, every metric's points and attributes. Register it before the
 * {@link TokenServerExtension} whose forbidden values it takes, so that it checks once that fixture has closed the
 * test's caches (and their refresh threads ended their spans):
 * <pre>{@code
 * @RegisterExtension @Order(1)
 * final TelemetryCapture telemetry = TelemetryCapture.forbidding(() -> fixture.forbidden());
 * @RegisterExtension @Order(2)
 * final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
 * }</pre>
 */
public final class TelemetryCapture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    // read when the capture checks: a supplier of the tokens a server issued sees every one of them
    private final Supplier<Forbidden[]> forbidden;
    private InMemorySpanExporter spans;
    private InMemoryMetricReader metrics;
    private OpenTelemetrySdk sdk;
    private boolean wholeClass;
    // what the reader collected: a collection of cumulative data is checked once it was read (and again at the end)
    private final List<MetricData> collected = new ArrayList<>();

    private TelemetryCapture(Supplier<Forbidden[]> forbidden) {
        this.forbidden = forbidden;
    }

    /**
     * @param forbidden what no exported span or metric may hold, in any form, read when the capture checks
     * @return the capture
     */
    public static TelemetryCapture forbidding(Supplier<Forbidden[]> forbidden) {
        return new TelemetryCapture(forbidden);
    }

    /** @return the SDK, as an application's {@code OpenTelemetry} */
    public OpenTelemetry openTelemetry() {
        return sdk;
    }

    /** @return the spans ended so far, in the order they ended */
    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    /** @return the metrics as a collection now reads them (cumulative) */
    public Collection<MetricData> metrics() {
        Collection<MetricData> read = metrics.collectAllMetrics();
        synchronized (collected) {
            collected.addAll(read);
        }
        return read;
    }

    /** @return the metric of that name in a collection made now, if it has points */
    public Optional<MetricData> metric(String name) {
        return metrics().stream().filter(metric -> metric.getName().equals(name))
                .filter(metric -> !metric.getData().getPoints().isEmpty()).findFirst();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        wholeClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            assertNothingForbidden();
        } finally {
            sdk.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!wholeClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (sdk == null) {
            return;
        }
        try {
            assertNothingForbidden();
        } finally {
            if (!wholeClass) {
                sdk.close();
            }
        }
    }

    private void start() {
        spans = InMemorySpanExporter.create();
        metrics = InMemoryMetricReader.create();
        collected.clear();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    /** Fails the test if any exported span or metric holds a forbidden value, in any form. */
    public void assertNothingForbidden() {
        metrics();
        ForbiddenSearch search = new ForbiddenSearch(List.of(forbidden.get()));
        Set<String> found = new LinkedHashSet<>();
        for (SpanData span : spans()) {
            search.in(texts(span)).forEach(what -> found.add("span '" + span.getName() + "' holds " + what));
        }
        List<MetricData> read;
        synchronized (collected) {
            read = new ArrayList<>(collected);
        }
        for (MetricData metric : read) {
            search.in(texts(metric)).forEach(what -> found.add("metric '" + metric.getName() + "' holds " + what));
        }
        assertThat(found).as("exported spans and metrics must hold no secret, token, assertion or request body,"
                + " in any form").isEmpty();
    }

    /**
     * Everything a span exporter can send of a span that the library sets, each part on its own (so that an
     * attribute's name next to its value, {@code oauth.grant_type=client_credentials}, is not taken for a body).
     */
    static List<String> texts(SpanData span) {
        List<String> texts = new ArrayList<>(List.of(span.getName(), span.getStatus().getDescription()));
        addAll(texts, span.getAttributes());
        for (EventData event : span.getEvents()) {
            texts.add(event.getName());
            addAll(texts, event.getAttributes());
        }
        for (LinkData link : span.getLinks()) {
            addAll(texts, link.getAttributes());
        }
        return texts;
    }

    /** Everything a metric exporter can send of a metric that the library sets, each part on its own. */
    static List<String> texts(MetricData metric) {
        List<String> texts = new ArrayList<>(List.of(metric.getName(), metric.getDescription(), metric.getUnit()));
        for (PointData point : metric.getData().getPoints()) {
            addAll(texts, point.getAttributes());
        }
        return texts;
    }

    private static void addAll(List<String> texts, Attributes attributes) {
        attributes.forEach((key, value) -> {
            texts.add(key.getKey());
            texts.add(String.valueOf(value));
        });
    }
}
