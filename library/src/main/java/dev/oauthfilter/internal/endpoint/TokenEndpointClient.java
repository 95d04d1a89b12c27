package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.Timing;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes one client-credentials token request for one configuration. Every call is bounded: by the read timeout
 * for the response headers, by the caller's timeout for the whole exchange, and by {@link #MAX_BODY_BYTES} for the
 * body. Thread-safe.
 */
public final class TokenEndpointClient {

    /** The largest token response body read; anything larger is an {@code INVALID_TOKEN_RESPONSE}. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final Logger LOG = Logger.getLogger(TokenEndpointClient.class.getName());
    private static final String CLIENT_CREDENTIALS = "client_credentials";
    private static final String USE_DPOP_NONCE = "use_dpop_nonce";
    private static final String SUCCESS = "success";

    private final OAuthClientConfig config;
    private final Timing timing;
    private final Supplier<HttpClient> http;
    private final TokenRequestFactory requests;
    private final TokenEndpointLocator locator;
    private final TokenResponseParser parser;
    private final DPoPProofs proofs;

    /**
     * @param config the client
     * @param http   gives the HTTP client (from {@link TokenHttpClients}); it must not follow redirects
     * @param clock  the clock that stamps tokens
     */
    public TokenEndpointClient(OAuthClientConfig config, Supplier<HttpClient> http, Clock clock) {
        this(config, http, clock, null);
    }

    /**
     * @param config the client
     * @param http   gives the HTTP client (from {@link TokenHttpClients}); it must not follow redirects
     * @param clock  the clock that stamps tokens
     * @param proofs the client's DPoP key, whose proof goes with every token request; null for none
     */
    public TokenEndpointClient(OAuthClientConfig config, Supplier<HttpClient> http, Clock clock, DPoPProofs proofs) {
        this.config = config;
        this.timing = config.timing();
        this.http = http;
        this.requests = new TokenRequestFactory(config, clock);
        this.locator = new TokenEndpointLocator(config, http);
        this.parser = new TokenResponseParser(config, clock);
        this.proofs = proofs;
    }

    /**
     * Requests a token once.
     *
     * @param timeout the longest this call may take
     * @return the token
     * @throws TokenException on any failure, with a code and whether retrying can help
     */
    public AccessToken requestToken(Duration timeout) {
        return requestToken(timeout, SentRequests.none());
    }

    /**
     * Requests a token once, reporting each HTTP request it sends (one, or two when the server asks for a DPoP
     * nonce).
     *
     * @param timeout the longest this call may take
     * @param sent    the HTTP requests of the acquisition this request belongs to
     * @return the token
     * @throws TokenException on any failure, with a code and whether retrying can help
     */
    public AccessToken requestToken(Duration timeout, SentRequests sent) {
        return request(timeout, null, sent);
    }

    /**
     * Exchanges an access token for one of this client's audience, scope and resources (RFC 8693 token exchange),
     * authenticating as this client.
     *
     * @param subjectToken the token to exchange (an incoming request's), never logged
     * @param timeout      the longest this call may take
     * @return the token issued in exchange
     * @throws TokenException on any failure, with a code and whether retrying can help
     */
    public AccessToken exchangeToken(String subjectToken, Duration timeout) {
        return exchangeToken(subjectToken, timeout, SentRequests.none());
    }

    /**
     * As {@link #exchangeToken(String, Duration)}, reporting each HTTP request it sends.
     *
     * @param subjectToken the token to exchange (an incoming request's), never logged
     * @param timeout      the longest this call may take
     * @param sent         the HTTP requests of the acquisition this exchange belongs to
     * @return the token issued in exchange
     * @throws TokenException on any failure, with a code and whether retrying can help
     */
    public AccessToken exchangeToken(String subjectToken, Duration timeout, SentRequests sent) {
        return request(timeout, Objects.requireNonNull(subjectToken, "subjectToken"), sent);
    }

    private AccessToken request(Duration timeout, String subjectToken, SentRequests sent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI endpoint = locator.locate(timeout);
        String grant = subjectToken == null ? CLIENT_CREDENTIALS : TokenRequestFactory.TOKEN_EXCHANGE;
        DPoPProofs.Proof proof = proofs == null ? null : proofs.signedProof("POST", endpoint, null);
        TokenEvents.HttpExchange traced = sent.sending(grant, endpoint);
        Answer answer = exchange(endpoint, deadline, subjectToken, proof, traced);
        if (proof != null && asksForNonce(endpoint, answer.response, proof.nonce)) {
            // RFC 9449 §8: the server wants a nonce of its own in the proof; one more request, with it
            LOG.fine(() -> "client '" + config.name() + "': the token endpoint asks for a DPoP nonce; asking again"
                    + " with it");
            traced.ended(answer.response.statusCode(), USE_DPOP_NONCE);
            DPoPProofs.Proof again = proofs.signedProof("POST", endpoint, null);
            traced = sent.sending(grant, endpoint);
            answer = exchange(endpoint, deadline, subjectToken, again, traced);
        }
        AccessToken token;
        try {
            token = parse(answer);
        } catch (TokenException e) {
            traced.ended(answer.response.statusCode(), e.code());
            throw e;
        }
        traced.ended(answer.response.statusCode(), SUCCESS);
        LOG.fine(() -> "client '" + config.name() + "': obtained " + token);
        return token;
    }

    /**
     * Remembers the answer's nonce, if any; whether the answer is a {@code use_dpop_nonce} error with a nonce other
     * than the one the refused proof carried (judged by the proof, not by what this client remembered meanwhile).
     */
    private boolean asksForNonce(URI endpoint, HttpResponse<byte[]> response, String sentNonce) {
        String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
        if (nonce == null) {
            return false;
        }
        proofs.nonce(endpoint, nonce);
        if (nonce.equals(sentNonce) || !nonce.equals(proofs.nonce(endpoint).orElse(null)) || (response.statusCode() != 400 && response.statusCode() != 401)) {
            return false;
        }
        try {
            return "use_dpop_nonce".equals(Json.readTree(response.body()).path("error").asText(null));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** An answer of the token endpoint, and what the request sent that the answer must not bring into a message. */
    private static final class Answer {
        final HttpResponse<byte[]> response;
        final Redaction sent;

        Answer(HttpResponse<byte[]> response, Redaction sent) {
            this.response = response;
            this.sent = sent;
        }
    }

    /** Sends one request; when no answer comes, {@code traced} is told so (with the failure's code). */
    private Answer exchange(URI endpoint, long deadline, String subjectToken, DPoPProofs.Proof proof,
                            TokenEvents.HttpExchange traced) {
        try {
            return exchange(endpoint, deadline, subjectToken, proof);
        } catch (TokenException e) {
            traced.ended(0, e.code());
            throw e;
        } catch (RuntimeException e) {
            traced.ended(0, ErrorCode.INTERNAL_ERROR.name());
            throw e;
        }
    }

    private Answer exchange(URI endpoint, long deadline, String subjectToken, DPoPProofs.Proof proof) {
        Duration timeout = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        Duration responseTimeout = timeout.compareTo(timing.readTimeout()) < 0 ? timeout : timing.readTimeout();
        LOG.fine(() -> "client '" + config.name() + "': requesting a token from " + ShownEndpoint.of(endpoint));
        TokenRequestFactory.Prepared request = requests.request(endpoint, responseTimeout,
                proof == null ? null : proof.jwt, subjectToken);
        CompletableFuture<HttpResponse<byte[]>> exchange = http.get().sendAsync(request.http,
                BoundedBodySubscriber.handler(MAX_BODY_BYTES));
        try {
            return new Answer(exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS), request.sent);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw unreachable(endpoint, "no complete response within " + timeout.toMillis() + " ms", null);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw TokenException.builder(ErrorCode.INTERRUPTED).clientName(config.name())
                    .message("interrupted while waiting for the token endpoint").build();
        } catch (ExecutionException e) {
            throw translate(endpoint, e.getCause());
        }
    }

    /** Whatever an odd but complete response makes the parser throw is an invalid response, never a crash. */
    private AccessToken parse(Answer answer) {
        HttpResponse<byte[]> response = answer.response;
        try {
            return parser.parse(response.statusCode(), response.headers(), response.body(), answer.sent);
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            throw TokenException.builder(ErrorCode.INVALID_TOKEN_RESPONSE).clientName(config.name())
                    .httpStatus(response.statusCode())
                    .message("the token response could not be understood (" + e.getClass().getSimpleName() + ")")
                    .build();
        }
    }

    private TokenException translate(URI endpoint, Throwable failure) {
        if (failure instanceof BoundedBodySubscriber.BodyTooLargeException) {
            return TokenException.builder(ErrorCode.INVALID_TOKEN_RESPONSE).clientName(config.name())
                    .message("the token endpoint sent a body larger than " + MAX_BODY_BYTES + " bytes").build();
        }
        if (failure instanceof HttpConnectTimeoutException) {
            return unreachable(endpoint, "could not connect within " + timing.connectTimeout().toMillis() + " ms",
                    failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return unreachable(endpoint, "no response within " + timing.readTimeout().toMillis() + " ms", failure);
        }
        if (failure instanceof javax.net.ssl.SSLException) {
            return unreachable(endpoint, tlsProblem(endpoint, failure), failure);
        }
        if (failure instanceof ConnectException) {
            return unreachable(endpoint, "connection refused or failed", failure);
        }
        if (failure instanceof IOException) {
            return unreachable(endpoint, "I/O error (" + failure.getClass().getSimpleName() + ")", failure);
        }
        LOG.log(Level.WARNING, "client '" + config.name() + "': unexpected failure of a token request", failure);
        return TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                .message("unexpected failure of the token request (" + failure.getClass().getName() + ")")
                .cause(failure).build();
    }

    /** Says which TLS check failed: the host name, the chain of trust, or the handshake itself. */
    private String tlsProblem(URI endpoint, Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof java.security.cert.CertificateException
                    && (message.contains("No subject alternative") || message.contains("No name matching"))) {
                return "TLS host name verification failed: the server's certificate does not name host '"
                        + endpoint.getHost() + "' (use the host name the certificate is issued for)";
            }
            if (cause instanceof java.security.cert.CertPathValidatorException
                    || cause instanceof java.security.cert.CertPathBuilderException) {
                return "TLS handshake failed: the server's certificate is not trusted (expired, or its CA is not"
                        + " in the trust store); see " + config.settingNames().of(ClientSetting.TLS_TRUST);
            }
        }
        return "TLS handshake failed (" + failure.getClass().getSimpleName() + "): check the server's certificate"
                + " and " + config.settingNames().of(ClientSetting.TLS_TRUST);
    }

    private TokenException unreachable(URI endpoint, String what, Throwable cause) {
        return TokenException.builder(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE).clientName(config.name())
                .message("token endpoint " + ShownEndpoint.of(endpoint) + ": " + what).cause(cause).build();
    }
}
