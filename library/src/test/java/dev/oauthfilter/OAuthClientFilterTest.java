package dev.oauthfilter;

import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Secrets;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import jakarta.annotation.Priority;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The filter on a real Jersey client against a real (in-JVM) HTTP server. */
class OAuthClientFilterTest {

    private static final String SECRET = "filter-secret-77aa";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final TokenCache cache = fixture.cache();
    private final Client client = ClientBuilder.newClient();

    @AfterEach
    void close() {
        client.close();
    }

    private TokenProvider tokens() {
        return cache.provider(OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("filter-client")
                .clientSecret(SECRET).maxAttempts(1).build());
    }

    private Response get(Client client, String path) {
        return client.target(server.uri(path)).request().get();
    }

    @Test
    void everyRequestCarriesOneBearerHeaderFromOneCachedToken() {
        client.register(new OAuthClientFilter(tokens()));

        for (int i = 0; i < 3; i++) {
            try (Response response = get(client, "/api/notes")) {
                assertThat(response.getStatus()).isEqualTo(200);
            }
        }

        String expected = "Bearer " + server.issuedTokens().get(0);
        assertThat(server.apiRequests()).hasSize(3)
                .allSatisfy(r -> assertThat(r.headers.get("Authorization")).containsExactly(expected));
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void anAuthorizationHeaderSetByTheApplicationIsLeftAlone() {
        client.register(new OAuthClientFilter(tokens()));

        client.target(server.uri("/api/notes")).request().header("Authorization", "Basic YXBwOmtleQ==").get().close();

        assertThat(server.apiRequests().get(0).headers.get("Authorization")).containsExactly("Basic YXBwOmtleQ==");
        assertThat(server.tokenRequestCount()).isZero();
    }

    @Test
    void withoutATokenTheRequestIsNotSentAndTheCauseIsTheTokenException() {
        server.respond(r -> Reply.json(401, "{\"error\":\"invalid_client\"}"));
        client.register(new OAuthClientFilter(tokens()));

        ProcessingException e = catchThrowableOfType(ProcessingException.class, () -> get(client, "/api/notes"));

        assertThat(e.getCause()).isInstanceOf(TokenException.class);
        assertThat(((TokenException) e.getCause()).code()).isEqualTo("TOKEN_ENDPOINT_ERROR");
        assertThat(((TokenException) e.getCause()).oauthError()).contains("invalid_client");
        assertThat(server.apiRequests()).as("nothing sent without a token").isEmpty();
        Secrets.assertNotInChain(e, List.of(SECRET));
    }

    @Test
    void theFilterRunsAtAuthenticationPrioritySoUserFiltersSeeTheHeader() {
        AtomicReference<String> seenByUserFilter = new AtomicReference<>();
        client.register(new OAuthClientFilter(tokens()));
        client.register(new AuditFilter(seenByUserFilter));

        get(client, "/api/notes").close();

        assertThat(seenByUserFilter.get()).isEqualTo("Bearer " + server.issuedTokens().get(0));
    }

    @Priority(Priorities.USER)
    static final class AuditFilter implements ClientRequestFilter {
        private final AtomicReference<String> seen;

        AuditFilter(AtomicReference<String> seen) {
            this.seen = seen;
        }

        @Override
        public void filter(ClientRequestContext request) {
            seen.set(request.getHeaderString("Authorization"));
        }
    }

    @Path("/api/invoices")
    @OAuthClient("billing")
    interface BillingApi {
        @GET
        String invoices();

        @GET
        @OAuthClient("reports")
        String report();
    }

    @Path("/api/notes")
    interface NotesApi {
        @GET
        String notes();
    }

    @Test
    void registeredByClassItReadsMicroProfileConfigAndHonoursOAuthClientOnTheInvokedMethod() throws Exception {
        Map<String, String> properties = Map.of(
                "oauth.token-url", server.uri("/default/token").toString(),
                "oauth.client-id", "default-client",
                "oauth.client-secret", SECRET,
                "oauth.billing.token-url", server.uri("/billing/token").toString(),
                "oauth.billing.client-id", "billing-client",
                "oauth.billing.client-secret", SECRET,
                "oauth.reports.token-url", server.uri("/reports/token").toString(),
                "oauth.reports.client-id", "reports-client",
                "oauth.reports.client-secret", SECRET);
        try (AutoCloseable installed = TestConfigs.install(TestConfigs.of(properties))) {
            client.register(OAuthClientFilter.class);

            invoke(BillingApi.class.getDeclaredMethod("invoices"));
            invoke(BillingApi.class.getDeclaredMethod("report"));
            invoke(NotesApi.class.getDeclaredMethod("notes"));
            invoke(BillingApi.class.getDeclaredMethod("invoices"));
        }

        assertThat(server.tokenRequests()).extracting(r -> r.path)
                .containsExactly("/billing/token", "/reports/token", "/default/token");
        List<Received> api = server.apiRequests();
        assertThat(api.get(0).header("Authorization")).isEqualTo("Bearer " + server.issuedTokens().get(0));
        assertThat(api.get(1).header("Authorization")).isEqualTo("Bearer " + server.issuedTokens().get(1));
        assertThat(api.get(2).header("Authorization")).isEqualTo("Bearer " + server.issuedTokens().get(2));
        assertThat(api.get(3).header("Authorization")).isEqualTo(api.get(0).header("Authorization"));
    }

    /** What MicroProfile Rest Client does: the invoked interface method travels as a request property. */
    private void invoke(Method method) {
        String path = method.getDeclaringClass().getAnnotation(Path.class).value();
        client.target(server.uri(path)).request()
                .property("org.eclipse.microprofile.rest.client.invokedMethod", method)
                .get().close();
    }
}
