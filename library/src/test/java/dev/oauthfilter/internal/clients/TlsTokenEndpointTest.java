package dev.oauthfilter.internal.clients;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.SelfSignedTls;
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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An HTTPS token endpoint with a private certificate: refused unless trusted, never "verification off". */
class TlsTokenEndpointTest {

    private static final String CLIENT_ID = "tls-client";
    private static final String SECRET = "tls-secret";
    // what SelfSignedTls's token endpoint issues
    private static final String TOKEN = "over-tls";
    private static final String WRONG_PASSWORD = "not-the-password-42";

    @TempDir
    static Path dir;
    private static SelfSignedTls tls;

    // the token endpoint is SelfSignedTls's: the fixture gives the cache, its closing and the log capture
    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(TOKEN), Forbidden.values("trust-store password",
                    () -> List.of(SelfSignedTls.TRUST_STORE_PASSWORD, WRONG_PASSWORD)));

    @BeforeAll
    static void start() throws Exception {
        tls = new SelfSignedTls(dir);
    }

    @AfterAll
    static void stop() {
        tls.close();
    }

    private static Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        p.put("oauth.token-url", tls.uri("/token").toString());
        p.put("oauth.client-id", CLIENT_ID);
        p.put("oauth.client-secret", SECRET);
        p.put("oauth.max-attempts", "1");
        return p;
    }

    private static OAuthClientConfig read(Map<String, String> properties) {
        return MicroProfileClientConfigs.read(TestConfigs.of(properties), OAuthClientConfig.DEFAULT_NAME);
    }

    @Test
    void anUntrustedCertificateIsRefused() {
        int before = tls.requests();

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> fixture.cache().provider(read(properties())).token());

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("TLS handshake failed").contains("oauth.tls.trust-store")
                .contains("oauth.tls.ssl-ref");
        assertThat(tls.requests()).as("no token request reached the server").isEqualTo(before);
    }

    @Test
    void aConfiguredTrustStoreMakesTheCertificateTrusted() {
        Map<String, String> p = properties();
        p.put("oauth.tls.trust-store", tls.trustStore().toString());
        p.put("oauth.tls.trust-store-password", SelfSignedTls.TRUST_STORE_PASSWORD);

        assertThat(fixture.cache().provider(read(p)).token().value()).isEqualTo(TOKEN);
    }

    @Test
    void aWrongTrustStorePasswordIsAnInvalidSettingThatDoesNotShowThePassword() {
        Map<String, String> p = properties();
        p.put("oauth.tls.trust-store", tls.trustStore().toString());
        p.put("oauth.tls.trust-store-password", WRONG_PASSWORD);

        TokenException e = catchThrowableOfType(TokenException.class, () -> read(p));

        assertThat(e.code()).isEqualTo("INVALID_SETTING");
        assertThat(e.getMessage()).contains("oauth.tls.trust-store").doesNotContain(WRONG_PASSWORD);
    }
}
