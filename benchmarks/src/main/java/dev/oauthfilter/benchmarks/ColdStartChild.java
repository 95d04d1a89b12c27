package dev.oauthfilter.benchmarks;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One measurement of {@link ColdStartBenchmark}, in a fresh JVM: prints {@code cold-start-nanos <n>}. Arguments: the
 * mode ({@code bare}, {@code library}, {@code bare-after-bare}, {@code library-after-bare}) and the token URL.
 *
 * <p>What is measured is reached through a nested class of its own, so that nothing it needs is loaded before the
 * clock starts (not even by the verifier of this class); {@code cold-start: begin} and {@code cold-start: end}
 * bracket it on standard output, for counting the classes {@code -Xlog:class+load} shows between them.
 */
public final class ColdStartChild {

    static final String RESULT = "cold-start-nanos ";
    private static final String CLIENT_ID = "bench-client";
    private static final String CLIENT_SECRET = "bench-secret";

    private ColdStartChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        if (mode.endsWith("-after-bare")) {
            Bare.post(url);
        }
        System.out.println("cold-start: begin");
        long start = System.nanoTime();
        String result = mode.startsWith("library") ? Library.authorizationHeader(url) : Bare.post(url);
        long nanos = System.nanoTime() - start;
        System.out.println("cold-start: end");
        if (!result.contains("bench-token-")) {
            throw new IllegalStateException(mode + ": no token in the answer");
        }
        System.out.println(RESULT + nanos);
        System.exit(0);
    }

    /** The floor: the library's token request, made with the JDK's HTTP client and nothing else. */
    private static final class Bare {
        static String post(String url) throws Exception {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String credentials = Base64.getEncoder()
                    .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("Authorization", "Basic " + credentials)
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the token endpoint answered " + response.statusCode());
            }
            return response.body();
        }
    }

    /** The library's first token, from building the configuration to having the header. */
    private static final class Library {
        static String authorizationHeader(String url) {
            OAuthClientConfig config = OAuthClientConfig.builder()
                    .tokenUrl(URI.create(url))
                    .clientId(CLIENT_ID)
                    .clientSecret(CLIENT_SECRET)
                    .build();
            return TokenProvider.of(config).authorizationHeader();
        }
    }
}
