package dev.oauthfilter.telemetry;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.TelemetryCapture;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.oauthfilter.telemetry.TelemetryTesting.inRequest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing the library sends or receives in secret reaches an exported span or metric, in any form (literally,
 * URL-encoded, in Base64, in Basic credentials): client secrets (Basic, form, signing key of client_secret_jwt),
 * client assertions, a secret put in the token URL's query, user info in a discovered token endpoint, the incoming
 * token of an exchange, the tokens issued, and the request bodies. {@link TelemetryCapture} checks after every test
 * of the binding; this one sends all of them.
 */
class TelemetrySecretsTest {

    private static final String SECRET = "telemetry-secret-4417 +/=";
    private static final String JWT_SECRET = "telemetry-hmac-secret-of-at-least-32-bytes-2291";
    private static final String INCOMING = "incoming-user-token-8080";

    @TempDir
    Path dir;

    @RegisterExtension
    @Order(1)
    final TelemetryCapture telemetry = TelemetryCapture.forbidding(this::forbidden);
    @RegisterExtension
    @Order(2)
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("basic", SECRET),
            Forbidden.secret("post", SECRET), Forbidden.secret("jwt", JWT_SECRET), Forbidden.secret("key", SECRET),
            Forbidden.secret("discovered", SECRET), Forbidden.token(INCOMING));
    private final FakeTokenServer server = fixture.server();

    /** The fixture's secrets and tokens, and every body and client assertion the token server received. */
    private Forbidden[] forbidden() {
        List<Forbidden> all = new ArrayList<>(Arrays.asList(fixture.forbidden()));
        List<String> bodies = server.tokenRequests().stream().map(request -> request.body).toList();
        all.add(Forbidden.values("request body", () -> bodies));
        all.add(Forbidden.values("client assertion", () -> bodies.stream()
                .flatMap(body -> Arrays.stream(body.split("&")))
                .filter(parameter -> parameter.startsWith("client_assertion="))
                .map(parameter -> URLDecoder.decode(parameter.substring("client_assertion=".length()),
                        StandardCharsets.UTF_8))
                .toList()));
        return all.toArray(new Forbidden[0]);
    }

    private OAuthClientConfig.Builder client(String id) {
        return OAuthClientConfig.builder().name(id).tokenUrl(server.uri("/token")).clientId(id).clientSecret(SECRET)
                .maxAttempts(1);
    }

    @Test
    void noSecretTokenAssertionOrBodyReachesAnExportedSpanOrMetricWhateverTheClientSends() throws Exception {
        String inQuery = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        server.serveDocument("/realms/demo/.well-known/openid-configuration", request -> Reply.json(200,
                "{\"issuer\":\"" + server.uri("/realms/demo") + "\",\"token_endpoint\":\"http://discovered:"
                        + inQuery + "@127.0.0.1:" + server.uri("/").getPort() + "/token?client_secret=" + inQuery
                        + "\"}"));
        TokenCache cache = fixture.cache();
        cache.events(OpenTelemetryBinding.of(telemetry.openTelemetry()));
        List<OAuthClientConfig> clients = List.of(
                client("basic").tokenUrl(server.uri("/token?client_secret=" + inQuery)).build(),
                client("post").clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).build(),
                client("jwt").clientSecret(JWT_SECRET).clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_JWT).build(),
                client("key").clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
                        .clientKey(ClientKey.fromPem(TestKeys.pkcs8Pem(TestKeys.rsa(), dir.resolve("key.pem")), null))
                        .build(),
                OAuthClientConfig.builder().name("discovered").issuer(server.uri("/realms/demo"))
                        .clientId("discovered").clientSecret(SECRET).maxAttempts(1).build());

        inRequest(telemetry.openTelemetry(), "GET /everything", new Span[1], () -> {
            clients.forEach(config -> {
                try {
                    cache.provider(config).token();
                } catch (RuntimeException refusedByTheHttpClient) {
                    // a token endpoint with user info may be refused before it is sent: its span is what counts
                }
            });
            return ((BoundedTokenCache) cache).exchange(client("post").audience("downstream").build())
                    .exchange(INCOMING);
        });

        assertThat(telemetry.spans()).filteredOn(span -> span.getInstrumentationScopeInfo().getName()
                .equals("dev.oauthfilter")).extracting(span -> span.getAttributes().asMap().entrySet().stream()
                .filter(attribute -> attribute.getKey().getKey().equals("oauth.client")).findFirst()
                .map(Map.Entry::getValue).orElseThrow())
                .containsExactly("basic", "post", "jwt", "key", "discovered", "post");
        assertThat(server.tokenRequests().stream().filter(request -> request.body.contains("client_assertion=")))
                .as("the assertions were sent, and so are forbidden").hasSize(2);
        assertThat(telemetry.metrics()).isNotEmpty();
        telemetry.assertNothingForbidden();
    }

    @Test
    void theUrlOfASpanIsTheEndpointWithoutItsQueryOrUserInfo() {
        server.serveDocument("/realms/demo/.well-known/openid-configuration", request -> Reply.json(200,
                "{\"issuer\":\"" + server.uri("/realms/demo") + "\",\"token_endpoint\":\"http://someone:pass@127.0.0.1:"
                        + server.uri("/").getPort() + "/token?tenant=7\"}"));
        TokenCache cache = fixture.cache();
        cache.events(OpenTelemetryBinding.of(telemetry.openTelemetry()));

        try {
            cache.provider(OAuthClientConfig.builder().issuer(server.uri("/realms/demo")).clientId("discovered")
                    .clientSecret(SECRET).maxAttempts(1).build()).token();
        } catch (RuntimeException refusedByTheHttpClient) {
            // the span is what counts
        }

        assertThat(telemetry.spans()).extracting(SpanData::getAttributes)
                .extracting(attributes -> attributes.get(TokenSpans.URL_FULL))
                .containsExactly(server.uri("/token").toString());
    }
}
