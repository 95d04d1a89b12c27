package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter registered through an application Feature (a common way to package client setup): the filter sends
 * redirect hops through a client on which the application's Feature registers another copy of the filter, which must
 * add nothing. A hop to another origin carries no token, whichever way the filter was registered (found by a review:
 * the copy put the token on the cross-origin hop).
 */
class OAuthClientFilterFeatureRegistrationTest {

    private static final String CLIENT_ID = "feature-registered";
    private static final String SECRET = "feature-registered-secret-9c";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer otherOrigin = fixture.newServer();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    /** The application's own Feature that registers the filter. */
    public static final class OAuthSetup implements Feature {
        private final TokenProvider tokens;

        public OAuthSetup(TokenProvider tokens) {
            this.tokens = tokens;
        }

        @Override
        public boolean configure(FeatureContext context) {
            context.register(new OAuthClientFilter(tokens));
            return true;
        }
    }

    private TokenProvider tokens() {
        return fixture.cache().provider(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build());
    }

    private void redirectToOtherOrigin() {
        server.respondApi(r -> Reply.of(302, null, new byte[0],
                Map.of("Location", otherOrigin.uri("/api/elsewhere").toString())));
        otherOrigin.respondApi(r -> Reply.json(200, "{}"));
    }

    @Test
    void whenRegisteredDirectlyThenAHopToAnotherOriginCarriesNoToken() {
        redirectToOtherOrigin();
        try (Response response = client.register(new OAuthClientFilter(tokens()))
                .target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(server.apiRequests().get(0).header("Authorization")).startsWith("Bearer ");
        assertThat(otherOrigin.apiRequests()).hasSize(1);
        assertThat(otherOrigin.apiRequests().get(0).header("Authorization")).as("token crossed origins").isNull();
    }

    @Test
    void whenRegisteredThroughAFeatureThenAHopToAnotherOriginCarriesNoToken() {
        redirectToOtherOrigin();
        try (Response response = client.register(new OAuthSetup(tokens()))
                .target(server.uri("/api/notes")).request().get()) {
            assertThat(response.getStatus()).isEqualTo(200);
        }
        assertThat(server.apiRequests().get(0).header("Authorization")).startsWith("Bearer ");
        assertThat(otherOrigin.apiRequests()).hasSize(1);
        assertThat(otherOrigin.apiRequests().get(0).header("Authorization")).as("token crossed origins").isNull();
    }
}
