package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.ReservedPort;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a log line, a message or a span shows of the token endpoint: never user info, a query or a fragment (where a
 * key may be: a configured URL's query, a discovered endpoint's user info); a long path is cut. The fixture's log
 * capture fails a test that logged the secret in any form.
 */
class ShownEndpointTest {

    private static final String SECRET = "shown-secret-6006 +/";
    private static final String IN_URL = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);

    @Test
    void userInfoQueryAndFragmentAreNeverShown() {
        URI shown = ShownEndpoint.of(URI.create(
                "https://client:s3cr%40t@idp.example:8443/realms/a/token?client_secret=s3cr%40t&x=1#frag"));

        assertThat(shown).hasToString("https://idp.example:8443/realms/a/token");
    }

    @Test
    void aDefaultPortStaysImplicitAndAnIpv6HostKeepsItsBrackets() {
        assertThat(ShownEndpoint.of(URI.create("https://idp.example/token")))
                .hasToString("https://idp.example/token");
        assertThat(ShownEndpoint.of(URI.create("http://[::1]:8080/token?a=b")))
                .hasToString("http://[::1]:8080/token");
    }

    @Test
    void aLongPathIsCutNeverInsideAPercentEscape() {
        String path = "/" + "a".repeat(ShownEndpoint.MAX_PATH_LENGTH - 2) + "%41" + "b".repeat(100);

        URI shown = ShownEndpoint.of(URI.create("https://idp.example" + path));

        assertThat(shown.getRawPath()).hasSize(ShownEndpoint.MAX_PATH_LENGTH - 1).doesNotContain("%");
        assertThat(ShownEndpoint.of(URI.create("https://idp.example/" + "c".repeat(1000))).getRawPath())
                .hasSize(ShownEndpoint.MAX_PATH_LENGTH);
    }

    @Test
    void aSecretInTheTokenUrlsQueryIsInNoMessageAndNoLogLine() {
        try (ReservedPort nobody = new ReservedPort()) {
            String endpoint = "http://127.0.0.1:" + nobody.port() + "/token";
            OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(URI.create(endpoint + "?key=" + IN_URL))
                    .clientId("shown").clientSecret("other-secret-1").maxAttempts(1).build();

            TokenException failure = catchThrowableOfType(TokenException.class,
                    () -> fixture.cache().provider(config).token());

            assertThat(failure.getMessage()).contains("token endpoint " + endpoint + ": ");
        }
    }

    @Test
    void theUserInfoAndQueryOfADiscoveredEndpointAreInNoLogLine() {
        FakeTokenServer server = fixture.server();
        server.serveDocument("/realms/demo/.well-known/openid-configuration", request -> Reply.json(200,
                "{\"issuer\":\"" + server.uri("/realms/demo") + "\",\"token_endpoint\":\"http://someone:" + IN_URL
                        + "@127.0.0.1:" + server.uri("/").getPort() + "/token?key=" + IN_URL + "\"}"));

        try {
            fixture.cache().provider(OAuthClientConfig.builder().issuer(server.uri("/realms/demo"))
                    .clientId("shown").clientSecret("other-secret-1").maxAttempts(1).build()).token();
        } catch (TokenException | IllegalArgumentException refusedByTheHttpClient) {
            // what counts is the log, checked by the fixture
        }

        assertThat(fixture.logs().lines()).anyMatch(line -> line.contains("discovered token endpoint "
                + server.uri("/token") + " in"));
    }
}
