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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A trusted certificate issued for another host: the failure says so, instead of blaming the trust store. */
class TlsHostNameVerificationTest {

    @TempDir
    static Path dir;
    private static SelfSignedTls tls;

    // the token endpoint is SelfSignedTls's: the fixture gives the cache, its closing and the log capture
    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret("tls-client", "tls-secret"));

    @BeforeAll
    static void start() throws Exception {
        tls = new SelfSignedTls(dir, "dns:notes.example.test");
    }

    @AfterAll
    static void stop() {
        tls.close();
    }

    @Test
    void aCertificateForAnotherHostIsRefusedAsAHostNameMismatch() {
        OAuthClientConfig config = MicroProfileClientConfigs.read(TestConfigs.of(Map.of(
                "oauth.token-url", tls.uri("/token").toString(),
                "oauth.client-id", "tls-client",
                "oauth.client-secret", "tls-secret",
                "oauth.max-attempts", "1",
                "oauth.tls.trust-store", tls.trustStore().toString(),
                "oauth.tls.trust-store-password", SelfSignedTls.TRUST_STORE_PASSWORD)), OAuthClientConfig.DEFAULT_NAME);

        TokenException e = catchThrowableOfType(TokenException.class,
                () -> fixture.cache().provider(config).token());

        assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(e.getMessage()).contains("host name verification failed").contains("'127.0.0.1'")
                .doesNotContain("not trusted");
        assertThat(tls.requests()).as("no token request reached the server").isZero();
    }
}
