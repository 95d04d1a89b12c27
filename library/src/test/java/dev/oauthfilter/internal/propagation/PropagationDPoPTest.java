package dev.oauthfilter.internal.propagation;

import dev.oauthfilter.OAuthClientFilter;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Review: a propagating client whose own tokens (fallback, exchange) are DPoP-bound. */
class PropagationDPoPTest {

    private static final String USER_TOKEN = "incoming-user-token-abc";
    private static final String ID = "fallback-client";
    private static final String SECRET = "fallback-secret";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(ID, SECRET),
            Forbidden.token(USER_TOKEN));
    private final FakeTokenServer server = fixture.server();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void stop() {
        client.close();
    }

    private TokenProvider provider(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.users.propagate", "true");
        p.put("oauth.users.allowed-hosts", server.uri("/api").toString());
        p.put("oauth.users.token-url", server.uri("/token").toString());
        p.put("oauth.users.client-id", ID);
        p.put("oauth.users.client-secret", SECRET);
        p.put("oauth.users.dpop", "true");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return fixture.clients(TestConfigs.of(p)).client("users");
    }

    private void dpopTokens() {
        server.respond(r -> Reply.json(200, "{\"access_token\":\"" + server.newToken()
                + "\",\"token_type\":\"DPoP\",\"expires_in\":3600}"));
    }

    @Test
    void theDPoPFallbackTokenGoesOutWithAProof() {
        dpopTokens();
        Client filtered = client.register(new OAuthClientFilter(provider("oauth.users.propagate-fallback",
                "client-credentials")));

        Throwable failure = catchThrowable(() -> filtered.target(server.uri("/api/notes")).request().get().close());

        assertThat(failure).isNull();
        assertThat(server.apiRequests()).singleElement().satisfies(r -> assertThat(r.header("DPoP")).isNotNull());
    }

    @Test
    void aDPoPClientCannotExchangeTokensAndSaysSoAtStart() {
        dpopTokens();
        Throwable failure = catchThrowable(() -> provider("oauth.users.propagate-exchange", "true"));

        assertThat(failure).isInstanceOfSatisfying(TokenException.class, e -> {
            assertThat(e.code()).isEqualTo("INVALID_SETTING");
            assertThat(e.getMessage()).contains("oauth.users.dpop");
        });
    }
}
