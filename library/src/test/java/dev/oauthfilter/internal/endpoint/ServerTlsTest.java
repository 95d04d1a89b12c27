package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.SelfSignedTls;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Token requests without a TLS context of their own take the server's (on Open Liberty, its outbound SSL
 * configuration for the token endpoint's host and port), here a fake server's configurations in front of a real
 * HTTPS token endpoint whose certificate only they trust.
 */
class ServerTlsTest {

    private static final String SECRET = "server-tls-secret-5c1e";

    @TempDir
    static Path dir;
    private static SelfSignedTls tls;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("server-tls", SECRET),
            Forbidden.token("over-tls"));
    private final FakeConfigurations server = new FakeConfigurations();
    private final TokenHttpClients clients = new TokenHttpClients(new ServerTls(server));

    @BeforeAll
    static void start() throws Exception {
        tls = new SelfSignedTls(dir);
    }

    @AfterAll
    static void stop() {
        tls.close();
    }

    @AfterEach
    void release() {
        clients.close();
    }

    /** A server's SSL configurations: "trusting" trusts the token endpoint, the outbound choice is settable. */
    private static final class FakeConfigurations implements ServerTls.Configurations {
        final List<String> asked = new CopyOnWriteArrayList<>();
        volatile Optional<String> outbound = Optional.of("trusting");

        @Override
        public String server() {
            return "Fake server";
        }

        @Override
        public boolean exists(String id) {
            return List.of("trusting", "jvm").contains(id);
        }

        @Override
        public Optional<SSLContext> context(String id, String host, int port) throws GeneralSecurityException {
            asked.add(id + "@" + host + ":" + port);
            String chosen = id != null ? id : outbound.orElse(null);
            if ("broken".equals(chosen)) {
                throw new GeneralSecurityException("the key store cannot be read");
            }
            return "trusting".equals(chosen) ? Optional.of(trusting()) : Optional.empty();
        }
    }

    private static SSLContext trusting() throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(tls.trustStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, SelfSignedTls.TRUST_STORE_PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static OAuthClientConfig.Builder client() {
        return OAuthClientConfig.builder().tokenUrl(tls.uri("/token")).clientId("server-tls").clientSecret(SECRET)
                .maxAttempts(1);
    }

    private String token(OAuthClientConfig config) {
        return new TokenEndpointClient(config, clients.forSettings(config.timing().connectTimeout(),
                config.tls().context()), fixture.clock()).requestToken(Duration.ofSeconds(5)).value();
    }

    @Test
    void aClientWithoutTlsSettingsGetsItsTokenWithTheServersConfigurationForTheEndpointsHostAndPort() {
        assertThat(token(client().build())).isEqualTo("over-tls");

        assertThat(server.asked).as("the server chose for the token endpoint's host and port")
                .contains("null@127.0.0.1:" + tls.uri("/").getPort());
    }

    @Test
    void withoutTheServersTrustTheSameRequestFailsAsATlsFailure() {
        server.outbound = Optional.empty();
        int before = tls.requests();

        TokenException e = catchThrowableOfType(TokenException.class, () -> token(client().build()));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("TLS handshake failed").doesNotContain(SECRET);
        assertThat(tls.requests()).as("no token request reached the endpoint").isEqualTo(before);
    }

    @Test
    void aTlsContextOfTheClientsOwnWinsAndTheServerIsNotAsked() throws Exception {
        server.outbound = Optional.of("broken");

        assertThat(token(client().sslContext(trusting()).build())).isEqualTo("over-tls");
        assertThat(server.asked).isEmpty();
    }

    @Test
    void aNamedConfigurationIsTakenWhateverTheServerChoosesForTheHost() {
        server.outbound = Optional.empty();
        SSLContext named = new ServerTls(server).named("trusting");

        assertThat(token(client().sslContext(named).build())).isEqualTo("over-tls");
        assertThat(server.asked).contains("trusting@127.0.0.1:" + tls.uri("/").getPort());
    }

    @Test
    void aConfigurationTheServerCannotServeFailsTheHandshakeInsteadOfFallingBackAndSaysSo() {
        server.outbound = Optional.of("broken");

        TokenException e = catchThrowableOfType(TokenException.class, () -> token(client().build()));

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("TLS handshake failed");
        assertThat(fixture.logs().lines()).anySatisfy(line -> assertThat(line)
                .contains("WARNING").contains("Fake server gave no TLS context from its outbound SSL configuration for"
                        + " 127.0.0.1:" + tls.uri("/").getPort()).contains("GeneralSecurityException"));
    }

    @Test
    void everyClientWithoutTlsSettingsSharesOneHttpClientAndANamedConfigurationIsOneContext() {
        assertThat(clients.forSettings(Duration.ofSeconds(1), Optional.empty()).get())
                .isSameAs(clients.forSettings(Duration.ofSeconds(1), Optional.empty()).get());
        ServerTls serverTls = new ServerTls(server);
        assertThat(serverTls.named("trusting")).isEqualTo(new ServerTls(server).named("trusting"))
                .isNotEqualTo(serverTls.named("jvm")).isNotEqualTo(serverTls.forEveryHost().orElseThrow());
    }

    @Test
    void anIdTheServerDoesNotHaveAndAServerWithoutConfigurationsAreRefusedWithAMessage() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new ServerTls(server).named("tokenSSL\nforged")).getMessage())
                .isEqualTo("names 'tokenSSL forged', but Fake server has no SSL configuration of that id (an"
                        + " <ssl id=\"...\"> element)");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ServerTls(null).named("trusting"))
                .getMessage()).contains("the server offers none to the application").contains("transportSecurity-1.0");
        assertThat(new ServerTls(null).forEveryHost()).as("off Liberty: the JVM default").isEmpty();
    }

    @Test
    void offLibertyNoServerConfigurationIsFound() {
        assertThat(ServerTls.detect().forEveryHost()).isEmpty();
    }
}
