package dev.oauthfilter.samples.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Token propagation inside Liberty: the backend forwards its caller's bearer token to the notes service. */
class PropagationIT {

    @Test
    void theCallersTokenIsForwardedSoTheNotesServiceSeesTheCaller() {
        String callerToken = SampleServer.tokenFor("it-client");

        HttpResponse<String> response = SampleServer.get("/backend/notes/propagated", "Bearer " + callerToken);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(SampleServer.json(response.body()).get("caller").asText()).isEqualTo("it-client");
    }

    @Test
    void withoutACallerTokenTheBackendAnswers401WithTheErrorCode() {
        HttpResponse<String> response = SampleServer.get("/backend/notes/propagated");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(SampleServer.json(response.body()).get("code").asText()).isEqualTo("NO_INCOMING_TOKEN");
    }
}
