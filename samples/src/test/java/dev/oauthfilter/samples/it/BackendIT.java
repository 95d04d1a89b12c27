package dev.oauthfilter.samples.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend on Liberty gets the protected notes every way oauth-filter offers, with one token per client. */
class BackendIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "rest-client,       notes-backend",   // @RegisterRestClient + @RegisterProvider(OAuthClientFilter.class)
            "rest-client-named, notes-reports",   // ... + @OAuthClient("reports"), standard token URL, client_secret_post
            "jaxrs-client,      notes-backend",   // ClientBuilder.newClient().register(new OAuthClientFilter(tokens))
            "header,            notes-backend",   // tokens.authorizationHeader()
            "vcap,              vcap-backend"})   // a client configured only by VCAP_SERVICES in server.env
    void eachWayReturnsTheProtectedNotesAsTheConfiguredClient(String way, String client) {
        HttpResponse<String> response = SampleServer.get("/backend/notes/" + way);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = SampleServer.json(response.body());
        assertThat(answer.get("via").asText()).isEqualTo(way);
        assertThat(answer.get("caller").asText()).as("the token's subject at the notes service").isEqualTo(client);
        assertThat(answer.get("notes")).hasSize(3);
    }

    @Test
    void manyBackendCallsCauseOneTokenRequest() {
        int before = SampleServer.tokenRequests("notes-backend");

        for (int i = 0; i < 20; i++) {
            for (String way : new String[] {"rest-client", "jaxrs-client", "header"}) {
                assertThat(SampleServer.get("/backend/notes/" + way).statusCode()).isEqualTo(200);
            }
        }

        // one request if no token was cached yet, none if an earlier test had already obtained it
        assertThat(SampleServer.tokenRequests("notes-backend")).as("token requests after 60 backend calls")
                .isEqualTo(Math.max(before, 1));
    }
}
