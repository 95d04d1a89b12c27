package dev.oauthfilter.internal.clients;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.MutualTlsServer;
import dev.oauthfilter.testing.TestConfigs;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RFC 8705 mutual TLS client authentication against an in-JVM HTTPS token endpoint that requires and checks the
 * client's certificate: configured with MicroProfile Config keys alone ({@code tls.key-store}, {@code tls.trust-store},
 * {@code client-auth-method=tls_client_auth}), the certificate authenticates and the form names only the client.
 */
class MutualTlsClientAuthTest {

    @TempDir
    static Path dir;
    private static MutualTlsServer tls;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.token("bound-to-the-certificate"),
            Forbidden.values("store password", () -> List.of(MutualTlsServer.PASSWORD)));

    @BeforeAll
    static void start() throws Exception {
        tls = new MutualTlsServer(dir);
    }

    @AfterAll
    static void stop() {
        tls.close();
    }

    private static Map<String, String> properties(boolean withKeyStore) {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.token-url", tls.uri("/token").toString());
        p.put("oauth.client-id", "mtls-backend");
        p.put("oauth.client-auth-method", "tls_client_auth");
        p.put("oauth.max-attempts", "1");
        p.put("oauth.tls.trust-store", tls.trustStore().toString());
        p.put("oauth.tls.trust-store-password", MutualTlsServer.PASSWORD);
        if (withKeyStore) {
            p.put("oauth.tls.key-store", tls.clientKeyStore().toString());
            p.put("oauth.tls.key-store-password", MutualTlsServer.PASSWORD);
        }
        return p;
    }

    @Test
    void theClientsCertificateAuthenticatesAndTheFormOnlyNamesTheClient() {
        OAuthClientConfig config = MicroProfileClientConfigs.read(TestConfigs.of(properties(true)),
                OAuthClientConfig.DEFAULT_NAME);
        assertThat(config.authentication().method()).isEqualTo(ClientAuthMethod.TLS_CLIENT_AUTH);

        AccessToken token = fixture.cache().provider(config).token();

        assertThat(token.value()).isEqualTo("bound-to-the-certificate");
        assertThat(tls.clientSubjects()).last().isEqualTo("CN=" + MutualTlsServer.CLIENT_CN);
        assertThat(tls.bodies()).last().isEqualTo("grant_type=client_credentials&client_id=mtls-backend");
    }

    @Test
    void withoutAKeyStoreTheSettingIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> MicroProfileClientConfigs.read(TestConfigs.of(properties(false)),
                OAuthClientConfig.DEFAULT_NAME)).isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_CLIENT_KEY);
                    assertThat(e.getMessage()).contains("oauth.tls.key-store");
                });
    }

    @Test
    void aServerThatRequiresACertificateRefusesAClientWithoutOne() {
        Map<String, String> p = properties(false);
        p.put("oauth.client-auth-method", "client_secret_post");
        p.put("oauth.client-secret", "a-secret-that-does-not-help");
        OAuthClientConfig config = MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME);

        assertThatThrownBy(() -> fixture.cache().provider(config).token()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE));
    }

    @Test
    void aWrongKeyStorePasswordNamesTheSettingNotThePassword() {
        Map<String, String> p = properties(true);
        p.put("oauth.tls.key-store-password", "wrong-password-77");

        assertThatThrownBy(() -> MicroProfileClientConfigs.read(TestConfigs.of(p), OAuthClientConfig.DEFAULT_NAME))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.getMessage())
                        .contains("oauth.tls.key-store").doesNotContain("wrong-password-77"));
    }
}
