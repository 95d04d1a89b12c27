package dev.oauthfilter.internal.clients;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.ServerTls;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.MutualTlsServer;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code tls.ssl-ref}: a client names one of the server's SSL configurations (Open Liberty's {@code <ssl id>}) instead
 * of trust and key stores of its own; here a fake server's configuration holding the client's key and the token
 * endpoint's trust, in front of a real token endpoint that requires the client's certificate.
 */
class ServerSslRefTest {

    private static final String PASSWORD = MutualTlsServer.PASSWORD;

    @TempDir
    static Path dir;
    private static MutualTlsServer mtls;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.token("bound-to-the-certificate"),
            Forbidden.values("store password", () -> List.of(PASSWORD)));
    private final FakeConfigurations server = new FakeConfigurations();

    @BeforeAll
    static void start() throws Exception {
        mtls = new MutualTlsServer(dir);
    }

    @AfterAll
    static void stop() {
        mtls.close();
    }

    /** One configuration, "mtlsOutbound": the client's key store and the token endpoint's trust. */
    private static final class FakeConfigurations implements ServerTls.Configurations {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public String server() {
            return "Fake server";
        }

        @Override
        public boolean exists(String id) {
            asked.add("exists " + id);
            return "mtlsOutbound".equals(id);
        }

        @Override
        public Optional<SSLContext> context(String id, String host, int port) throws GeneralSecurityException {
            asked.add(id + "@" + host);
            return "mtlsOutbound".equals(id) ? Optional.of(clientContext()) : Optional.empty();
        }
    }

    private static SSLContext clientContext() throws GeneralSecurityException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(mtls.clientKeyStore()), PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(mtls.trustStore()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyStore load(Path file) throws java.io.IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static Map<String, String> mutualTlsClient() {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.billing.token-url", mtls.uri("/token").toString());
        p.put("oauth.billing.client-id", MutualTlsServer.CLIENT_CN);
        p.put("oauth.billing.client-auth-method", "tls_client_auth");
        p.put("oauth.billing.max-attempts", "1");
        return p;
    }

    private OAuthClientConfig read(Map<String, String> properties, ServerTls serverTls) {
        return MicroProfileClientConfigs.read(TestConfigs.of(properties), "billing", serverTls);
    }

    @Test
    void aMutualTlsClientAuthenticatesWithTheCertificateOfTheNamedServerConfiguration() {
        Map<String, String> p = mutualTlsClient();
        p.put("oauth.billing.tls.ssl-ref", "mtlsOutbound");

        OAuthClientConfig config = read(p, new ServerTls(server));

        assertThat(fixture.cache().provider(config).token().value()).isEqualTo("bound-to-the-certificate");
        assertThat(mtls.clientSubjects()).containsExactly("CN=" + MutualTlsServer.CLIENT_CN);
        assertThat(mtls.bodies().get(0)).isEqualTo("grant_type=client_credentials&client_id=mtls-client");
        assertThat(server.asked).contains("mtlsOutbound@127.0.0.1");
    }

    @Test
    void aMutualTlsClientWithNeitherKeyStoreNorSslRefIsMissingItsKeyAndTheMessageNamesBoth() {
        TokenException e = catchThrowableOfType(TokenException.class,
                () -> read(mutualTlsClient(), new ServerTls(server)));

        assertThat(e.code()).isEqualTo("MISSING_CLIENT_KEY");
        assertThat(e.getMessage()).contains("oauth.billing.tls.key-store").contains("oauth.billing.tls.ssl-ref");
    }

    @Test
    void sslRefBesideATrustStoreOrAKeyStoreIsRefusedWithoutShowingThePassword() {
        for (String store : List.of("tls.trust-store", "tls.key-store")) {
            Map<String, String> p = mutualTlsClient();
            p.put("oauth.billing.tls.ssl-ref", "mtlsOutbound");
            p.put("oauth.billing." + store, mtls.clientKeyStore().toString());
            p.put("oauth.billing." + store + "-password", PASSWORD);

            TokenException e = catchThrowableOfType(TokenException.class, () -> read(p, new ServerTls(server)));

            assertThat(e.code()).isEqualTo("INVALID_SETTING");
            assertThat(e.getMessage()).isEqualTo("INVALID_SETTING [client 'billing']: "
                    + "oauth.billing.tls.ssl-ref names the server's SSL configuration"
                    + " while oauth.billing." + store + " gives the library's own: keep one of them");
        }
        assertThat(server.asked).as("refused before the server is asked").isEmpty();
    }

    @Test
    void anIdTheServerDoesNotHaveIsRefusedAtStart() {
        Map<String, String> p = mutualTlsClient();
        p.put("oauth.billing.tls.ssl-ref", "mtlsOutbond");

        TokenException e = catchThrowableOfType(TokenException.class, () -> read(p, new ServerTls(server)));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).isEqualTo("INVALID_SETTING [client 'billing']: "
                + "oauth.billing.tls.ssl-ref names 'mtlsOutbond', but Fake server has no SSL"
                + " configuration of that id (an <ssl id=\"...\"> element)");
    }

    @Test
    void offLibertySslRefIsRefusedAtStartAndSaysWhatToUseInstead() {
        Map<String, String> p = mutualTlsClient();
        p.put("oauth.billing.tls.ssl-ref", "mtlsOutbound");

        TokenException e = catchThrowableOfType(TokenException.class, () -> read(p, new ServerTls(null)));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).startsWith("INVALID_SETTING [client 'billing']: "
                + "oauth.billing.tls.ssl-ref names an SSL configuration of the server, but"
                + " the server offers none to the application").contains("transportSecurity-1.0")
                .contains("trust-store and key-store settings");
    }

    @Test
    void theLibrarysOwnTrustStoreStillGivesItsOwnContextAndTheServerIsNotAsked() {
        Map<String, String> p = mutualTlsClient();
        p.put("oauth.billing.tls.key-store", mtls.clientKeyStore().toString());
        p.put("oauth.billing.tls.key-store-password", PASSWORD);
        p.put("oauth.billing.tls.trust-store", mtls.trustStore().toString());
        p.put("oauth.billing.tls.trust-store-password", PASSWORD);

        OAuthClientConfig config = read(p, new ServerTls(server));

        assertThat(config.tls().context()).isPresent();
        assertThat(fixture.cache().provider(config).token().value()).isEqualTo("bound-to-the-certificate");
        assertThat(server.asked).isEmpty();
    }

    @Test
    void twoClientsNamingTheSameConfigurationShareOneTokenSource() {
        Map<String, String> p = mutualTlsClient();
        p.put("oauth.billing.tls.ssl-ref", "mtlsOutbound");

        assertThat(read(p, new ServerTls(server)).sourceKey()).isEqualTo(read(p, new ServerTls(server)).sourceKey());
    }
}
