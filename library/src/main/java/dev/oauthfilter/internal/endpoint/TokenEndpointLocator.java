package dev.oauthfilter.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthfilter.ClientSetting;
import dev.oauthfilter.EndpointLayout;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEndpoint;
import dev.oauthfilter.TokenException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Where token requests go: the configured URL, or the {@code token_endpoint} of the issuer's metadata (OpenID Connect
 * Discovery, then RFC 8414), fetched on first use and kept. A failed discovery is not kept: the next token request
 * tries again, so an application whose authorization server is down at startup recovers without a restart.
 */
final class TokenEndpointLocator {

    private static final Logger LOG = Logger.getLogger(TokenEndpointLocator.class.getName());

    private final OAuthClientConfig config;
    // what was configured: a token URL, or where to discover one
    private final TokenEndpoint configured;
    private final Supplier<HttpClient> http;
    // written by the single token request in flight, read by later ones
    private volatile URI discovered;

    TokenEndpointLocator(OAuthClientConfig config, Supplier<HttpClient> http) {
        this.config = config;
        this.configured = config.endpoint();
        this.http = http;
    }

    URI locate(Duration timeout) {
        if (configured.layout() != EndpointLayout.DISCOVERY) {
            return configured.url();
        }
        URI known = discovered;
        if (known == null) {
            known = discover(timeout);
            discovered = known;
        }
        return known;
    }

    private URI discover(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        TokenException notFound = null;
        for (URI document : documents()) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            HttpResponse<byte[]> response = fetch(document, left);
            if (response.statusCode() == 404 || response.statusCode() == 405) {
                notFound = failure("no metadata at " + document + " (" + response.statusCode() + ")", false, null);
                continue;
            }
            if (response.statusCode() != 200) {
                throw failure("metadata request " + document + " answered " + response.statusCode(),
                        response.statusCode() >= 500 || response.statusCode() == 429, null);
            }
            URI tokenEndpoint = tokenEndpoint(document, response.body());
            LOG.fine(() -> "client '" + config.name() + "': discovered token endpoint "
                    + ServerText.clean(ShownEndpoint.of(tokenEndpoint)) + " in " + document);
            return tokenEndpoint;
        }
        throw notFound;
    }

    /** The discovery URL if one was configured; else OpenID Connect's location, then RFC 8414's. */
    private List<URI> documents() {
        if (configured.discoveryUrl().isPresent()) {
            return List.of(configured.discoveryUrl().get());
        }
        URI issuer = configured.issuer().orElseThrow();
        String path = issuer.getRawPath() == null ? "" : strip(issuer.getRawPath());
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        return List.of(URI.create(origin + path + "/.well-known/openid-configuration"),
                URI.create(origin + "/.well-known/oauth-authorization-server" + path));
    }

    private HttpResponse<byte[]> fetch(URI document, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(document).timeout(min(timeout, config.timing().readTimeout()))
                .header("Accept", "application/json").GET().build();
        var exchange = http.get().sendAsync(request, BoundedBodySubscriber.handler(TokenEndpointClient.MAX_BODY_BYTES));
        try {
            return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw failure("no answer from " + document + " within " + timeout.toMillis() + " ms", true, null);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw TokenException.builder(ErrorCode.INTERRUPTED).clientName(config.name())
                    .message("interrupted during discovery").build();
        } catch (ExecutionException e) {
            boolean tooLarge = e.getCause() instanceof BoundedBodySubscriber.BodyTooLargeException;
            throw failure((tooLarge ? "metadata larger than 1 MiB at " : "cannot reach ") + document + " ("
                    + e.getCause().getClass().getSimpleName() + ")", !tooLarge, e.getCause());
        }
    }

    private URI tokenEndpoint(URI document, byte[] body) {
        JsonNode metadata;
        try {
            metadata = Json.readTree(body);
        } catch (IOException e) {
            throw failure("the metadata at " + document + " is not JSON", false, null);
        }
        if (metadata == null || !metadata.isObject()) {
            throw failure("the metadata at " + document + " is not a JSON object", false, null);
        }
        JsonNode issuer = metadata.get("issuer");
        // OpenID Connect Discovery §4.3 / RFC 8414 §3.3: metadata for another issuer must not be used
        if (configured.issuer().isPresent() && (issuer == null
                || !strip(issuer.asText()).equals(strip(configured.issuer().get().toString())))) {
            throw failure("the metadata at " + document + " is for issuer '"
                    + ServerText.clean(issuer == null ? null : issuer.asText()) + "', not " + configured.issuer().get()
                    + "; check " + config.settingNames().of(ClientSetting.ISSUER), false, null);
        }
        JsonNode endpoint = metadata.get("token_endpoint");
        JsonNode aliases = metadata.get("mtls_endpoint_aliases");
        if (config.authentication().method().mutualTls() && aliases != null && aliases.isObject()
                && aliases.get("token_endpoint") != null) {
            // RFC 8705 §5: a client that authenticates with its certificate uses the mTLS alias when there is one
            endpoint = aliases.get("token_endpoint");
        }
        URI uri;
        try {
            uri = endpoint == null || !endpoint.isTextual() ? null : URI.create(endpoint.asText());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw failure("the metadata at " + document + " has no usable token_endpoint", false, null);
        }
        if (scheme.equals("http") && !configured.permitsPlainHttpTo(uri.getHost())) {
            throw TokenException.builder(ErrorCode.INSECURE_TOKEN_URL).clientName(config.name())
                    .message("the discovered token endpoint " + ServerText.clean(ShownEndpoint.of(uri))
                            + " is plain http; set " + config.settingNames().of(ClientSetting.ALLOW_INSECURE_HTTP)
                            + " to true only if that is really wanted")
                    .build();
        }
        return uri;
    }

    private TokenException failure(String message, boolean retryable, Throwable cause) {
        return TokenException.builder(ErrorCode.DISCOVERY_FAILED).clientName(config.name()).message(message)
                .retryable(retryable).cause(cause).build();
    }

    private static String strip(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
