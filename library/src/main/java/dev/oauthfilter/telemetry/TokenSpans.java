package dev.oauthfilter.telemetry;

import dev.oauthfilter.TokenEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

import java.net.URI;

/**
 * One CLIENT span per HTTP request to the token endpoint, after the HTTP client semantic conventions: named
 * {@code POST}, with {@code http.request.method}, {@code server.address}, {@code server.port}, {@code url.full}
 * (scheme, host, port and path: never a query or user info), {@code network.protocol.version},
 * {@code http.request.resend_count} from the second request of an acquisition on, {@code http.response.status_code}
 * when an answer came, and on failure status ERROR and {@code error.type} (the library's error code, or
 * {@code use_dpop_nonce} for a DPoP nonce challenge); and the library's {@code oauth.client},
 * {@code oauth.grant_type}, {@code oauth.outcome}, {@code oauth.background_refresh}.
 *
 * <p>Retries are one span per physical request, as the conventions' HTTP resend rules want: an acquisition that
 * tried three times shows three sibling spans, numbered by {@code http.request.resend_count}.
 *
 * <p>Parent: a caller that waits for the token is the parent of its requests, although they run on a refresh thread:
 * its context is carried over ({@link #acquisition}). A background refresh of a stale token, which no caller waits
 * for, starts a trace of its own (a root span) with a link to the span of the call that found the token stale: the
 * caller's trace does not wait for it, and a child that outlives its parent's trace would show latency the caller
 * never had. A token exchange runs on the caller's thread, its parent the caller's span.
 */
final class TokenSpans {

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> GRANT_TYPE = AttributeKey.stringKey("oauth.grant_type");
    static final AttributeKey<Boolean> BACKGROUND_REFRESH = AttributeKey.booleanKey("oauth.background_refresh");

    // in the context of a background refresh: the span of the call that found the token stale (maybe invalid)
    private static final ContextKey<SpanContext> STALE_TOKEN_FOUND_BY = ContextKey.named("oauth-filter-refresh-cause");

    private final Tracer tracer;

    TokenSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** On the caller's thread: the acquisition, to run in the caller's context, or in a new trace linked to it. */
    Runnable acquisition(boolean awaited, Runnable acquisition) {
        Context caller = Context.current();
        if (awaited) {
            return caller.wrap(acquisition);
        }
        return Context.root().with(STALE_TOKEN_FOUND_BY, Span.fromContext(caller).getSpanContext())
                .wrap(acquisition);
    }

    TokenEvents.HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
        Context parent = Context.current();
        SpanContext staleTokenFoundBy = parent.get(STALE_TOKEN_FOUND_BY);
        SpanBuilder request = tracer.spanBuilder("POST")
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent)
                .setAttribute(HTTP_REQUEST_METHOD, "POST")
                .setAttribute(SERVER_ADDRESS, host(endpoint))
                .setAttribute(SERVER_PORT, (long) port(endpoint))
                .setAttribute(URL_FULL, endpoint.toString())
                .setAttribute(NETWORK_PROTOCOL_VERSION, "1.1")
                .setAttribute(TokenInstruments.CLIENT, client)
                .setAttribute(GRANT_TYPE, grantType)
                .setAttribute(BACKGROUND_REFRESH, staleTokenFoundBy != null);
        if (resendCount > 0) {
            request.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) resendCount);
        }
        if (staleTokenFoundBy != null && staleTokenFoundBy.isValid()) {
            request.addLink(staleTokenFoundBy);
        }
        Span span = request.startSpan();
        return (status, outcome) -> {
            if (status > 0) {
                span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
            }
            span.setAttribute(TokenInstruments.OUTCOME, outcome);
            if (!TokenInstruments.SUCCESS.equals(outcome)) {
                span.setAttribute(ERROR_TYPE, outcome);
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        };
    }

    /** The host as {@code server.address} wants it: an IPv6 address without its brackets. */
    private static String host(URI endpoint) {
        String host = endpoint.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(URI endpoint) {
        if (endpoint.getPort() >= 0) {
            return endpoint.getPort();
        }
        return "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    }
}
