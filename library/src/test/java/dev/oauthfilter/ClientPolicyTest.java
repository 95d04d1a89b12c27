package dev.oauthfilter;

import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.internal.clients.ConfiguredClient;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client, one policy: two clients with the same credentials share one token source (one token request), and
 * each keeps its own allowed hosts and 401 replay, whichever was built first.
 */
class ClientPolicyTest {

    private static final String SECRET = "shared-secret-93";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("shared", SECRET));
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer partner = fixture.newServer();
    private final TokenCache cache = fixture.cache();
    private final Client jaxrs = ClientBuilder.newClient();

    @AfterEach
    void stop() {
        jaxrs.close();
    }

    private OAuthClientConfig.Builder shared() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("shared").clientSecret(SECRET);
    }

    private OAuthClientConfig restricted() {
        return shared().name("partner").allowedHost(partner.uri("/api").toString()).retryOnUnauthorized(false).build();
    }

    @Test
    void aRestrictedClientBuiltAfterAnUnrestrictedOneSendsItsTokenOnlyToItsHosts() {
        TokenProvider open = cache.provider(shared().build());
        TokenProvider partnerOnly = cache.provider(restricted());

        assertOnlyThePartnerGetsTheRestrictedClientsToken(open, partnerOnly);
    }

    @Test
    void aRestrictedClientBuiltBeforeAnUnrestrictedOneDoesNotRestrictIt() {
        TokenProvider partnerOnly = cache.provider(restricted());
        TokenProvider open = cache.provider(shared().build());

        assertOnlyThePartnerGetsTheRestrictedClientsToken(open, partnerOnly);
    }

    @Test
    void namedClientsFromMicroProfileConfigKeepTheirOwnRulesInEitherOrder() {
        Map<String, String> p = new HashMap<>();
        for (String prefix : List.of("oauth.", "oauth.partner.")) {
            p.put(prefix + "token-url", server.uri("/token").toString());
            p.put(prefix + "client-id", "shared");
            p.put(prefix + "client-secret", SECRET);
        }
        p.put("oauth.partner.allowed-hosts", partner.uri("/api").toString());
        var config = TestConfigs.of(p);

        ApplicationClients clients = fixture.clients(config);
        TokenProvider partnerOnly = clients.client("partner");
        TokenProvider open = clients.client(OAuthClientConfig.DEFAULT_NAME);

        assertThat(policy(partnerOnly).allowedHosts()).containsExactly(partner.uri("/api").toString());
        assertThat(policy(open).allowedHosts()).isEmpty();
        assertThat(partnerOnly.token().value()).isEqualTo(open.token().value());
    }

    @Test
    void eachClientOfASharedSourceKeepsItsOwnReplaySetting() {
        TokenProvider replaying = cache.provider(shared().build());
        TokenProvider notReplaying = cache.provider(restricted());

        assertThat(policy(replaying).retryOnUnauthorized()).isTrue();
        assertThat(policy(notReplaying).retryOnUnauthorized()).isFalse();
        assertThat(replaying.token()).isSameAs(notReplaying.token());
    }

    private void assertOnlyThePartnerGetsTheRestrictedClientsToken(TokenProvider open, TokenProvider partnerOnly) {
        jaxrs.register(new OAuthClientFilter(partnerOnly));

        jaxrs.target(server.uri("/api/elsewhere")).request().get().close();
        jaxrs.target(partner.uri("/api/partner")).request().get().close();
        Client unrestricted = ClientBuilder.newClient().register(new OAuthClientFilter(open));
        try {
            unrestricted.target(server.uri("/api/anywhere")).request().get().close();
        } finally {
            unrestricted.close();
        }

        assertThat(server.apiRequests()).extracting(r -> r.path).containsExactly("/api/elsewhere", "/api/anywhere");
        assertThat(server.apiRequests().get(0).header("Authorization")).as("outside the partner's hosts").isNull();
        assertThat(server.apiRequests().get(1).header("Authorization")).as("the unrestricted client")
                .isEqualTo("Bearer " + server.issuedTokens().get(0));
        assertThat(partner.apiRequests().get(0).header("Authorization"))
                .isEqualTo("Bearer " + server.issuedTokens().get(0));
        assertThat(server.tokenRequestCount()).as("one token for both clients").isEqualTo(1);
    }

    private static ClientPolicy policy(TokenProvider client) {
        return ((ConfiguredClient) client).policy();
    }
}
