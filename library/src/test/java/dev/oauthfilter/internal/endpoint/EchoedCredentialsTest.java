package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A token endpoint that echoes the request into its {@code error_description} (the form, the Basic header, the
 * client assertion, the token being exchanged) gets every form of what the request sent redacted before the answer
 * reaches an exception message: form-encoded, percent-encoded, the Base64 of {@code id:secret} raw and form-encoded.
 */
class EchoedCredentialsTest {

    private static final String CLIENT_ID = "echo client";
    // every character that form encoding, percent encoding and Base64 treat differently
    private static final String SECRET = "p@ss w0rd+/=Zq9";
    private static final String SUBJECT = "incoming-user-token-e5b1";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(SUBJECT));
    @TempDir
    Path dir;
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenHttpClients http = new TokenHttpClients();

    @AfterEach
    void releaseClients() {
        http.close();
    }

    private OAuthClientConfig.Builder config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET);
    }

    /** What the server sent back: what {@code quote} takes of the request, as a server that quotes what it refused. */
    private void echo(Function<Received, String> quote) {
        server.respond(request -> Reply.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"got "
                + quote.apply(request) + "\"}"));
    }

    private TokenException failure(OAuthClientConfig config, Supplier<Object> call) {
        return failure(config, call, request -> request.body + " with " + request.header("Authorization"));
    }

    private TokenException failure(OAuthClientConfig config, Supplier<Object> call, Function<Received, String> quote) {
        echo(quote);
        TokenException e = catchThrowableOfType(TokenException.class, call::get);
        assertThat(e).isNotNull();
        assertThat(e.oauthErrorDescription()).as("the echo arrived").isPresent();
        return e;
    }

    private TokenEndpointClient client(OAuthClientConfig config) {
        return new TokenEndpointClient(config,
                http.forSettings(config.timing().connectTimeout(), config.tls().context()), clock);
    }

    @Test
    void anEchoedFormDoesNotBringTheSecretBackInAnyEncoding() {
        OAuthClientConfig config = config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_POST).build();
        TokenException e = failure(config, () -> client(config).requestToken(Duration.ofSeconds(5)));

        assertThat(server.tokenRequests().get(0).body).contains("client_secret=" + formEncode(SECRET));
        assertNoForm(e, secretForms());
    }

    @Test
    void anEchoedBasicHeaderDoesNotBringTheSecretBack() {
        OAuthClientConfig config = config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_BASIC).build();
        TokenException e = failure(config, () -> client(config).requestToken(Duration.ofSeconds(5)));

        assertThat(e.oauthErrorDescription()).hasValueSatisfying(text -> assertThat(text).contains("[redacted]"));
        assertNoForm(e, secretForms());
    }

    @Test
    void anEchoedBasicCredentialWithoutItsSchemeIsRedactedToo() {
        OAuthClientConfig config = config().clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_BASIC).build();
        TokenException e = failure(config, () -> client(config).requestToken(Duration.ofSeconds(5)),
                request -> request.header("Authorization").substring("Basic ".length()));

        assertNoForm(e, secretForms());
    }

    @Test
    void anEchoedClientAssertionIsRedacted() throws Exception {
        ClientKey key = ClientKey.fromPem(TestKeys.pkcs8Pem(TestKeys.rsa(), dir.resolve("rsa.pem")), null);
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientAuthMethod(ClientAuthMethod.PRIVATE_KEY_JWT).clientKey(key).build();
        // the assertion first: a description is capped at 200 characters, and a JWT is longer than what follows it
        TokenException e = failure(config, () -> client(config).requestToken(Duration.ofSeconds(5)),
                request -> formValue(request, "client_assertion"));

        String assertion = formValue(server.tokenRequests().get(0), "client_assertion");
        assertThat(e.oauthErrorDescription()).contains("got [redacted]");
        assertNoForm(e, List.of(assertion.substring(0, 60)));
    }

    @Test
    void aSecretThatOnlySignsIsRedactedWhereTheServerQuotesIt() {
        String signingSecret = "jwt-shared-secret-0123456789-abcdefghijkl";
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientSecret(signingSecret).clientAuthMethod(ClientAuthMethod.CLIENT_SECRET_JWT).build();
        TokenException e = failure(config, () -> client(config).requestToken(Duration.ofSeconds(5)),
                request -> "HS256 check with key " + signingSecret + " failed");

        assertThat(e.oauthErrorDescription()).contains("got HS256 check with key [redacted] failed");
    }

    @Test
    void anEchoedTokenBeingExchangedIsRedacted() {
        OAuthClientConfig config = config().build();
        TokenException e = failure(config, () -> client(config).exchangeToken(SUBJECT, Duration.ofSeconds(5)));

        assertNoForm(e, List.of(SUBJECT));
        assertNoForm(e, secretForms());
    }

    private static void assertNoForm(TokenException e, List<String> forms) {
        String shown = e + " | " + e.getMessage() + " | " + e.oauthErrorDescription().orElse("");
        for (String form : forms) {
            assertThat(shown).as("the exception shows a form of what the request sent").doesNotContain(form);
        }
    }

    private static List<String> secretForms() {
        String form = formEncode(SECRET);
        String percent = form.replace("+", "%20");
        List<String> forms = new ArrayList<>(List.of(SECRET, form, percent, lowerHex(form), lowerHex(percent)));
        for (String credentials : List.of(CLIENT_ID + ":" + SECRET, formEncode(CLIENT_ID) + ":" + form)) {
            byte[] bytes = credentials.getBytes(StandardCharsets.UTF_8);
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return forms;
    }

    private static String formValue(Received request, String name) {
        for (String pair : request.body.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in the request");
    }

    private static String lowerHex(String encoded) {
        return Pattern.compile("%[0-9A-F]{2}").matcher(encoded).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
