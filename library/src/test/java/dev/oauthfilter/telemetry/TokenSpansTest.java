package dev.oauthfilter.telemetry;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.TelemetryCapture;
import dev.oauthfilter.testing.TokenServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.oauthfilter.telemetry.TelemetryTesting.attributes;
import static dev.oauthfilter.telemetry.TelemetryTesting.inRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The spans of token requests, on a real OpenTelemetry SDK and a real token server over HTTP: one CLIENT span per
 * HTTP request, after the HTTP client semantic conventions, a child of the span of the caller that waited for the
 * token (although the request runs on a refresh thread), a root span linked to that call for a background refresh.
 */
class TokenSpansTest {

    private static final String SECRET = "spans-secret-7719";
    private static final String INCOMING = "incoming-user-token-5150";
    private static final Duration LIFETIME = Duration.ofSeconds(3600);

    @RegisterExtension
    @Order(1)
    final TelemetryCapture telemetry = TelemetryCapture.forbidding(() -> fixture().forbidden());
    @RegisterExtension
    @Order(2)
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("spans", SECRET),
            Forbidden.token(INCOMING));
    private final FakeTokenServer server = fixture.server();
    private final Span[] caller = new Span[1];

    private TokenServerExtension fixture() {
        return fixture;
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().name("billing").tokenUrl(server.uri("/token")).clientId("spans")
                .clientSecret(SECRET).maxAttempts(1).retryBackoff(Duration.ofMillis(1));
    }

    /** A cache (refreshes on threads of its own) that reports to the test's OpenTelemetry. */
    private TokenCache traced(TokenCache cache) {
        cache.events(OpenTelemetryBinding.of(telemetry.openTelemetry()));
        return cache;
    }

    private Map<String, Object> expected(int status, String outcome, Object... more) {
        Map<String, Object> expected = new TreeMap<>(Map.of(
                "http.request.method", "POST",
                "server.address", "127.0.0.1",
                "server.port", (long) server.uri("/").getPort(),
                "url.full", server.uri("/token").toString(),
                "network.protocol.version", "1.1",
                "oauth.client", "billing",
                "oauth.grant_type", "client_credentials",
                "oauth.outcome", outcome,
                "oauth.background_refresh", false));
        if (status > 0) {
            expected.put("http.response.status_code", (long) status);
        }
        for (int i = 0; i < more.length; i += 2) {
            expected.put((String) more[i], more[i + 1]);
        }
        return expected;
    }

    private List<SpanData> tokenSpans() {
        return telemetry.spans().stream().filter(span -> span.getInstrumentationScopeInfo().getName()
                .equals("dev.oauthfilter")).toList();
    }

    @Test
    void aTokenRequestIsAClientSpanChildOfTheSpanOfTheCallerThatWaitedOnAnotherThread() {
        TokenProvider tokens = traced(fixture.cache()).provider(config().build());

        inRequest(telemetry.openTelemetry(), "GET /invoices", caller, tokens::token);

        assertThat(tokenSpans()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("POST");
            assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext());
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(attributes(span)).isEqualTo(expected(200, "success"));
        });
    }

    @Test
    void aBackgroundRefreshIsARootSpanLinkedToTheCallThatFoundTheTokenStale() {
        ManualExecutor executor = new ManualExecutor();
        TokenProvider tokens = traced(fixture.newCache(settings -> settings.executor(executor)))
                .provider(config().build());
        tokens.token();
        executor.hold();
        fixture.clock().advance(LIFETIME.minusSeconds(50));

        inRequest(telemetry.openTelemetry(), "GET /stale", caller, tokens::token);
        SpanContext foundStale = caller[0].getSpanContext();
        // run where some other span is current: the refresh must not become its child either
        inRequest(telemetry.openTelemetry(), "GET /unrelated", new Span[1], () -> {
            executor.runAll();
            return null;
        });

        assertThat(tokenSpans()).hasSize(2).last().satisfies(span -> {
            assertThat(span.getParentSpanContext().isValid()).as("a root span").isFalse();
            assertThat(span.getTraceId()).isNotEqualTo(foundStale.getTraceId());
            assertThat(span.getLinks()).extracting(LinkData::getSpanContext).containsExactly(foundStale);
            assertThat(attributes(span)).isEqualTo(expected(200, "success", "oauth.background_refresh", true));
        });
    }

    @Test
    void eachRetryIsASpanOfItsOwnNumberedByItsResendCount() {
        AtomicInteger asked = new AtomicInteger();
        server.respond(request -> asked.incrementAndGet() < 3 ? Reply.json(503, "{}")
                : Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"expires_in\":3600}"));
        TokenProvider tokens = traced(fixture.cache()).provider(config().maxAttempts(3).build());

        inRequest(telemetry.openTelemetry(), "GET /retried", caller, tokens::token);

        List<SpanData> spans = tokenSpans();
        assertThat(spans).hasSize(3).allSatisfy(span ->
                assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext()));
        assertThat(attributes(spans.get(0))).isEqualTo(expected(503, "TOKEN_ENDPOINT_ERROR",
                "error.type", "TOKEN_ENDPOINT_ERROR"));
        assertThat(attributes(spans.get(1))).isEqualTo(expected(503, "TOKEN_ENDPOINT_ERROR",
                "error.type", "TOKEN_ENDPOINT_ERROR", "http.request.resend_count", 1L));
        assertThat(attributes(spans.get(2))).isEqualTo(expected(200, "success", "http.request.resend_count", 2L));
        assertThat(spans).extracting(span -> span.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);
    }

    @ParameterizedTest
    @CsvSource({
            "400, '{\"error\":\"invalid_client\"}', TOKEN_ENDPOINT_ERROR",
            "500, '{\"error\":\"server_error\"}', TOKEN_ENDPOINT_ERROR",
            "200, '{\"token_type\":\"Bearer\"}', INVALID_TOKEN_RESPONSE"})
    void aFailedRequestIsAnErrorSpanWithTheStatusAndTheLibrarysErrorCode(int status, String body, String code) {
        server.respond(request -> Reply.json(status, body));
        TokenProvider tokens = traced(fixture.cache()).provider(config().build());

        TokenException failure = catchThrowableOfType(TokenException.class,
                () -> inRequest(telemetry.openTelemetry(), "GET /failing", caller, tokens::token));

        assertThat(failure.code()).isEqualTo(code);
        assertThat(tokenSpans()).singleElement().satisfies(span -> {
            assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext());
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(attributes(span)).isEqualTo(expected(status, code, "error.type", code));
        });
    }

    @Test
    void anUnreachableEndpointIsAnErrorSpanWithoutAStatusCode() {
        try (ReservedPort nobody = new ReservedPort()) {
            URI unreachable = URI.create("http://127.0.0.1:" + nobody.port() + "/token");
            TokenProvider tokens = traced(fixture.cache()).provider(config().tokenUrl(unreachable).build());

            catchThrowableOfType(TokenException.class,
                    () -> inRequest(telemetry.openTelemetry(), "GET /down", caller, tokens::token));

            assertThat(tokenSpans()).singleElement().satisfies(span -> {
                assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext());
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(attributes(span)).isEqualTo(expected(0, "TOKEN_ENDPOINT_UNREACHABLE",
                        "error.type", "TOKEN_ENDPOINT_UNREACHABLE", "server.port", (long) nobody.port(),
                        "url.full", unreachable.toString()));
            });
        }
    }

    @Test
    void aDpopNonceChallengeIsARequestOfItsOwnAndTheRequestSentAgainIsAResend() {
        AtomicInteger asked = new AtomicInteger();
        server.respond(request -> asked.incrementAndGet() == 1
                ? Reply.of(400, "application/json", "{\"error\":\"use_dpop_nonce\"}".getBytes(),
                        Map.of("DPoP-Nonce", "nonce-1"))
                : Reply.json(200, "{\"access_token\":\"" + server.newToken()
                        + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}"));
        TokenProvider tokens = traced(fixture.cache()).provider(config().dpop(true).build());

        inRequest(telemetry.openTelemetry(), "GET /bound", caller, tokens::token);

        List<SpanData> spans = tokenSpans();
        assertThat(spans).hasSize(2);
        assertThat(attributes(spans.get(0))).isEqualTo(expected(400, "use_dpop_nonce",
                "error.type", "use_dpop_nonce"));
        assertThat(attributes(spans.get(1))).isEqualTo(expected(200, "success", "http.request.resend_count", 1L));
    }

    @Test
    void aTokenExchangeIsASpanOfTheExchangeGrantChildOfTheCallerOnItsThread() {
        BoundedTokenCache cache = (BoundedTokenCache) traced(fixture.cache());

        inRequest(telemetry.openTelemetry(), "GET /on-behalf", caller,
                () -> cache.exchange(config().audience("downstream").build()).exchange(INCOMING));

        assertThat(tokenSpans()).singleElement().satisfies(span -> {
            assertThat(span.getParentSpanContext()).isEqualTo(caller[0].getSpanContext());
            assertThat(attributes(span)).isEqualTo(expected(200, "success",
                    "oauth.grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"));
        });
    }
}
