package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.ClientAuthMethod;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Review: RFC 8705 §5, discovery for an mTLS client. */
class MtlsEndpointAliasTest {

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets("unused-secret-0000");
    private final FakeTokenServer server = fixture.server();

    @Test
    void anMtlsClientUsesTheMtlsEndpointAlias() throws Exception {
        String issuer = server.uri("/realms/demo").toString();
        server.serveDocument("/realms/demo/.well-known/openid-configuration", r -> Reply.json(200,
                "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + server.uri("/plain/token")
                        + "\",\"mtls_endpoint_aliases\":{\"token_endpoint\":\"" + server.uri("/mtls/token") + "\"}}"));
        OAuthClientConfig config = OAuthClientConfig.builder().issuer(server.uri("/realms/demo")).clientId("mtls-backend")
                .clientAuthMethod(ClientAuthMethod.TLS_CLIENT_AUTH).sslContext(SSLContext.getDefault()).build();
        TokenHttpClients http = new TokenHttpClients();
        try {
            new TokenEndpointClient(config, http.forSettings(config.timing().connectTimeout(), config.tls().context()),
                    fixture.clock()).requestToken(Duration.ofSeconds(5));
        } finally {
            http.close();
        }
        assertThat(server.tokenRequests().get(0).path).isEqualTo("/mtls/token");
    }
}
