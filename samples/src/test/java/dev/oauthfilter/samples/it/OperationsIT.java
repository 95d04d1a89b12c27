package dev.oauthfilter.samples.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The library's readiness check and metrics on Liberty (mpHealth-4.0, mpMetrics-5.1), read as an operator would. */
class OperationsIT {

    private static HttpResponse<String> server(String path) {
        HttpResponse<String> response = SampleServer.getAbsolute("http://localhost:"
                + System.getProperty("http.port", "9080") + path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response;
    }

    @Test
    void theReadinessCheckReportsEveryConfiguredClientUp() {
        SampleServer.get("/backend/notes/rest-client");

        HttpResponse<String> response = server("/health/ready");

        JsonNode check = null;
        for (JsonNode candidate : SampleServer.json(response.body()).get("checks")) {
            if (candidate.get("name").asText().equals("oauth-clients")) {
                check = candidate;
            }
        }
        assertThat(check).as("the oauth-clients check").isNotNull();
        assertThat(check.get("status").asText()).isEqualTo("UP");
        assertThat(check.get("data").get("default").asText()).startsWith("UP, token expires in");
        assertThat(check.get("data").get("reports").asText()).startsWith("UP");
        assertThat(check.get("data").get("propagated").asText()).isEqualTo("UP (propagation)");
        assertThat(response.body()).doesNotContain(SampleServer.clientSecret()).doesNotContain("eyJ");
    }

    @Test
    void metricsCountCacheHitsAndTokenRequestsAfterAKnownNumberOfCalls() {
        SampleServer.get("/backend/notes/rest-client");
        String before = server("/metrics?scope=application").body();

        for (int i = 0; i < 7; i++) {
            assertThat(SampleServer.get("/backend/notes/rest-client").statusCode()).isEqualTo(200);
        }
        String after = server("/metrics?scope=application").body();

        assertThat(value(after, "oauth_token_cache_hits", "default") - value(before, "oauth_token_cache_hits", "default"))
                .as("7 calls, 7 cache hits").isEqualTo(7.0);
        assertThat(value(after, "oauth_token_requests_total", "default", "success"))
                .as("token requests of the default client").isEqualTo(value(before, "oauth_token_requests_total",
                        "default", "success")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(after, "oauth_token_expiry_seconds", "default")).isGreaterThan(0.0);
        assertThat(after).contains("oauth_token_request_duration_seconds");
    }

    /** The value of a Prometheus sample with the given name and client (and outcome) labels. */
    private static double value(String exposition, String name, String client, String... outcome) {
        Pattern sample = Pattern.compile("^" + name + "\\{([^}]*)\\}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(exposition);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("client=\"" + client + "\"")
                    && (outcome.length == 0 || labels.contains("outcome=\"" + outcome[0] + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + name + " for client " + client + " in:\n" + exposition);
    }
}
