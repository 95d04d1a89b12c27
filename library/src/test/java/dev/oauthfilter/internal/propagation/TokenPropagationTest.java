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
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Token propagation: the incoming request's bearer token forwarded by the filter, only where allowed. */
class TokenPropagationTest {

    private static final String USER_TOKEN = "incoming-user-token-abc";
    private static final String FALLBACK_CLIENT_ID = "fallback-client";
    private static final String FALLBACK_SECRET = "fallback-secret";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(
            Forbidden.secret(FALLBACK_CLIENT_ID, FALLBACK_SECRET), Forbidden.token(USER_TOKEN));
    private final FakeTokenServer server = fixture.server();
    private final FakeTokenServer elsewhere = fixture.newServer();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void stop() {
        client.close();
    }

    private Map<String, String> properties(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.users.propagate", "true");
        p.put("oauth.users.allowed-hosts", server.uri("/api").toString());
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    private TokenProvider provider(Map<String, String> properties) {
        return fixture.clients(TestConfigs.of(properties)).client("users");
    }

    @Test
    void theIncomingBearerTokenIsForwardedToAnAllowedHostAndNoTokenIsRequested() {
        Client filtered = client.register(new OAuthClientFilter(provider(properties())));

        IncomingAuthorization.runWith("Bearer " + USER_TOKEN,
                () -> filtered.target(server.uri("/api/notes")).request().get().close());

        assertThat(server.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.headers.get("Authorization")).containsExactly("Bearer " + USER_TOKEN));
        assertThat(server.tokenRequestCount()).isZero();
    }

    @Test
    void itIsNeverForwardedOutsideTheAllowedHosts() {
        Client filtered = client.register(new OAuthClientFilter(provider(properties())));

        IncomingAuthorization.runWith("Bearer " + USER_TOKEN,
                () -> filtered.target(elsewhere.uri("/api/notes")).request().get().close());

        assertThat(elsewhere.apiRequests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isNull());
    }

    @Test
    void withoutAnIncomingTokenTheCallFailsWithNoIncomingTokenAndIsNotSent() {
        Client filtered = client.register(new OAuthClientFilter(provider(properties())));

        ProcessingException e = catchThrowableOfType(ProcessingException.class,
                () -> filtered.target(server.uri("/api/notes")).request().get());

        assertThat(((TokenException) e.getCause()).code()).isEqualTo("NO_INCOMING_TOKEN");
        assertThat(e.getCause().getMessage()).contains("oauth.users.propagate-fallback");
        assertThat(server.apiRequests()).isEmpty();
    }

    @Test
    void withTheClientCredentialsFallbackTheClientsOwnTokenIsUsedWhenThereIsNoIncomingOne() {
        Client filtered = client.register(new OAuthClientFilter(provider(properties(
                "oauth.users.propagate-fallback", "client-credentials",
                "oauth.users.token-url", server.uri("/token").toString(),
                "oauth.users.client-id", FALLBACK_CLIENT_ID, "oauth.users.client-secret", FALLBACK_SECRET))));

        filtered.target(server.uri("/api/notes")).request().get().close();
        IncomingAuthorization.runWith("Bearer " + USER_TOKEN,
                () -> filtered.target(server.uri("/api/notes")).request().get().close());

        assertThat(server.apiRequests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer " + server.issuedTokens().get(0), "Bearer " + USER_TOKEN);
    }

    @Test
    void withTokenExchangeTheServiceGetsATokenOfItsOwnOncePerIncomingToken() {
        Client filtered = client.register(new OAuthClientFilter(provider(properties(
                "oauth.users.propagate-exchange", "true", "oauth.users.audience", "notes-service",
                "oauth.users.token-url", server.uri("/token").toString(),
                "oauth.users.client-id", FALLBACK_CLIENT_ID, "oauth.users.client-secret", FALLBACK_SECRET))));

        IncomingAuthorization.runWith("Bearer " + USER_TOKEN, () -> {
            filtered.target(server.uri("/api/notes")).request().get().close();
            filtered.target(server.uri("/api/notes")).request().get().close();
        });

        String exchanged = server.issuedTokens().get(0);
        assertThat(server.apiRequests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer " + exchanged, "Bearer " + exchanged);
        assertThat(server.tokenRequests()).singleElement().satisfies(r -> assertThat(r.body)
                .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange")
                .contains("subject_token=" + USER_TOKEN).contains("audience=notes-service"));
    }

    @Test
    void aRejectedPropagatedTokenIsNotReplayed() {
        server.respondApi(r -> Reply.json(401, "{}"));
        Client filtered = client.register(new OAuthClientFilter(provider(properties())));
        AtomicReference<Integer> status = new AtomicReference<>();

        IncomingAuthorization.runWith("Bearer " + USER_TOKEN, () -> {
            try (Response response = filtered.target(server.uri("/api/notes")).request().get()) {
                status.set(response.getStatus());
            }
        });

        assertThat(status.get()).isEqualTo(401);
        assertThat(server.apiRequests()).hasSize(1);
    }

    @Test
    void propagationWithoutAllowedHostsOrWithAnUnknownFallbackIsAnInvalidSetting() {
        Map<String, String> noHosts = properties();
        noHosts.remove("oauth.users.allowed-hosts");

        assertThat(catchThrowableOfType(TokenException.class, () -> provider(noHosts)).getMessage())
                .contains("oauth.users.allowed-hosts");
        assertThat(catchThrowableOfType(TokenException.class,
                () -> provider(properties("oauth.users.propagate-fallback", "maybe"))).code())
                .isEqualTo("INVALID_SETTING");
    }
}
