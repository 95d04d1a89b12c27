package dev.oauthfilter.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What {@code bms-mca-oauth-sdk}'s {@code getAuthorizationHeader} does on its secret path, in Java: a token request
 * on every call (its cache was never consulted there), Basic credentials, {@code "Bearer " + access_token}.
 */
final class SeedSdkStylePeer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI tokenUri;
    private final String basic = "Basic " + Base64.getEncoder()
            .encodeToString("bench:bench-secret".getBytes(StandardCharsets.UTF_8));

    SeedSdkStylePeer(TokenEndpointStub stub) {
        this.tokenUri = stub.uri("/token");
    }

    String authorizationHeader() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(tokenUri)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        return "Bearer " + JSON.readTree(response.body()).get("access_token").asText();
    }
}
