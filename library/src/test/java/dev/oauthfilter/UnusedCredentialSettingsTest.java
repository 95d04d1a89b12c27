package dev.oauthfilter;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class UnusedCredentialSettingsTest {

    @Test
    void aSecretThatMutualTlsNeverSendsIsRefused() throws Exception {
        Throwable t = catchThrowable(() -> OAuthClientConfig.builder().tokenUrl(URI.create("https://as.example.com/token"))
                .clientId("c").clientSecret("never-sent-secret").clientAuthMethod(ClientAuthMethod.TLS_CLIENT_AUTH)
                .sslContext(SSLContext.getDefault()).build());
        Throwable u = catchThrowable(() -> OAuthClientConfig.builder().tokenUrl(URI.create("https://as.example.com/token"))
                .clientId("c").clientSecret("never-sent-secret").clientAssertionFile(Path.of("/var/run/token")).build());
        assertThat(t).isInstanceOf(TokenException.class);
        assertThat(u).isInstanceOf(TokenException.class);
    }
}
