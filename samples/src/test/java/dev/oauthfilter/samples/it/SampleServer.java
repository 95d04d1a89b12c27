package dev.oauthfilter.samples.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The sample running on the Liberty server that the build started: plain HTTP from outside, as a user would. */
final class SampleServer {

    static final String CONTEXT = "/oauth-filter-samples/api";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SampleServer() {
    }

    static URI uri(String path) {
        return URI.create("http://localhost:" + System.getProperty("http.port", "9080") + CONTEXT + path);
    }

    static String clientSecret() {
        String secret = System.getProperty("demo.client.secret");
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("system property demo.client.secret is not set by the build");
        }
        return secret;
    }

    static HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    static HttpResponse<String> get(String path) {
        return get(path, null);
    }

    static HttpResponse<String> getAbsolute(String uri) {
        return send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** Asks the demo authorization server for a token directly, as client {@code clientId} (MCA layout). */
    static String tokenFor(String clientId) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        uri("/demo-as/imf-authserver/authorization/v1/apps/demo-tenant/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("demo authorization server answered " + response.statusCode());
        }
        return json(response.body()).get("access_token").asText();
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body.substring(0, Math.min(200, body.length())), e);
        }
    }

    static int tokenRequests(String clientId) {
        JsonNode stats = json(get("/demo-as/stats").body());
        return stats.has(clientId) ? stats.get(clientId).asInt() : 0;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the sample server did not answer " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
