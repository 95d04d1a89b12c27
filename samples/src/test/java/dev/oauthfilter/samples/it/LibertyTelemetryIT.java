package dev.oauthfilter.samples.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MicroProfile Telemetry 2.0 on Liberty ({@code mpTelemetry-2.0}): the probe application with OpenTelemetry enabled
 * for itself ({@code otel.sdk.disabled=false} in its configuration) and the third-party API visible to it
 * ({@code <classloader apiTypeVisibility="+third-party"/>}, as the operations guide tells a user), deployed through a
 * configuration drop-in. Its spans go to the Zipkin exporter Liberty bundles, pointed at a receiver in this test; its
 * metrics to the logging exporter, which writes to the server's {@code messages.log}. A call that comes in with a
 * {@code traceparent} of this test makes the {@code orders} client's first token request: its span is in the caller's
 * trace, a child of the incoming request's span, and carries no secret.
 */
class LibertyTelemetryIT {

    private static final String APP = "oauth-filter-telemetry";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<JsonNode> SPANS = new CopyOnWriteArrayList<>();
    private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
    private static HttpServer zipkin;
    private static Path dropin;

    @BeforeAll
    static void deploy() throws Exception {
        zipkin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        zipkin.createContext("/api/v2/spans", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                byte[] spans = body.readAllBytes();
                try {
                    JSON.readTree(spans).forEach(SPANS::add);
                } catch (IOException e) {
                    PROBLEMS.add(exchange.getRequestHeaders().getFirst("Content-Type") + ": " + e);
                }
                exchange.sendResponseHeaders(202, -1);
            }
        });
        zipkin.start();

        String telemetry = String.join("\n",
                "otel.sdk.disabled=false",
                "otel.service.name=" + APP,
                "otel.traces.exporter=zipkin",
                "otel.exporter.zipkin.endpoint=http://127.0.0.1:" + zipkin.getAddress().getPort() + "/api/v2/spans",
                "otel.bsp.schedule.delay=200",
                "otel.metrics.exporter=logging",
                "otel.metric.export.interval=500",
                "otel.logs.exporter=none");
        Path war = Path.of(System.getProperty("it.libs")).getParent().resolve("it-telemetry").resolve(APP + ".war")
                .toAbsolutePath();
        Files.createDirectories(war.getParent());
        ProbeDeployment.archive(APP)
                .addAsLibrary(ShrinkWrap.create(JavaArchive.class, "telemetry-config.jar")
                        .addAsResource(new StringAsset("config_ordinal=300\n" + telemetry),
                                "META-INF/microprofile-config.properties"))
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        dropin = ConfigDropins.path("telemetry-it.xml");
        Files.createDirectories(dropin.getParent());
        Files.writeString(dropin, String.join("\n",
                "<server>",
                "  <webApplication location=\"" + war + "\" contextRoot=\"/" + APP + "\">",
                "    <classloader apiTypeVisibility=\"+third-party\"/>",
                "  </webApplication>",
                "</server>"), StandardCharsets.UTF_8);
        ConfigDropins.awaitStatus(APP, "/api/target/received/ready", true);
    }

    @AfterAll
    static void undeploy() throws Exception {
        try {
            if (dropin != null) {
                Files.deleteIfExists(dropin);
                ConfigDropins.awaitStatus(APP, "/api/target/received/ready", false);
            }
        } finally {
            if (zipkin != null) {
                zipkin.stop(0);
            }
        }
    }

    @Test
    void theTokenRequestIsASpanOfTheCallersTraceAChildOfTheIncomingRequestsSpan() throws Exception {
        String traceId = randomHex(16);
        String callerSpanId = randomHex(8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + System.getProperty("http.port") + "/" + APP + "/api/call/orders/telemetry/1"))
                .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).as("a call through the orders client's Rest Client").isEqualTo("status:200");

        JsonNode incoming = await("the incoming request's span", () -> SPANS.stream()
                .filter(span -> traceId.equals(span.path("traceId").asText()))
                .filter(span -> "SERVER".equals(span.path("kind").asText()))
                .filter(span -> callerSpanId.equals(span.path("parentId").asText())).findFirst());
        JsonNode token = await("the token request's span", () -> SPANS.stream()
                .filter(span -> "orders".equals(span.path("tags").path("oauth.client").asText()))
                .findFirst());

        assertThat(token.path("traceId").asText()).as("in the caller's trace").isEqualTo(traceId);
        assertThat(token.path("parentId").asText()).as("a child of the incoming request's span (%s)", incoming)
                .isEqualTo(incoming.path("id").asText());
        assertThat(token.path("kind").asText()).isEqualTo("CLIENT");
        assertThat(token.path("name").asText()).isEqualToIgnoringCase("post");
        JsonNode tags = token.path("tags");
        assertThat(tags.path("http.response.status_code").asText()).isEqualTo("200");
        assertThat(tags.path("oauth.grant_type").asText()).isEqualTo("client_credentials");
        assertThat(tags.path("url.full").asText()).endsWith("/" + APP + "/api/as/token");
        assertThat(token.toString()).as("no secret of the client, no token in the span")
                .doesNotContain(ProbeDeployment.secrets().toArray(String[]::new)).doesNotContain("probe-probe-orders-");
    }

    @Test
    void theTokenMetricsGoToTheOpenTelemetryMeterOfTheApplication() throws Exception {
        assertThat(LibertyClientGuaranteesIT.call(APP, "/api/call/inherited/telemetry-metrics", null))
                .isEqualTo("status:200");
        Path messages = Path.of(System.getProperty("liberty.server.dir"), "logs", "messages.log");
        String exported = await("oauth.token.requests exported by the logging exporter", () -> {
            try {
                return Files.readAllLines(messages, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.contains("name=oauth.token.requests") && line.contains(APP))
                        .reduce((first, last) -> last);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(exported).as("the orders client's successful token request, counted")
                .contains("oauth.client=\"orders\"").contains("oauth.outcome=\"success\"");
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        Optional<T> found = probe.get();
        while (found.isEmpty()) {
            assertThat(Instant.now()).as("%s within 30 s (spans received: %s; unreadable: %s)", what, SPANS, PROBLEMS)
                    .isBefore(deadline);
            Thread.sleep(100);
            found = probe.get();
        }
        return found.get();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
