package dev.oauthfilter.samples.it;

import dev.oauthfilter.samples.it.mtls.MutualTlsApplication;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutual TLS (RFC 8705) on Liberty, as the README tells a user to set it up: the library authenticates to the token
 * endpoint with the client certificate ({@code client-auth-method=tls_client_auth}, {@code tls.key-store}: its own
 * TLS context), and the application's MicroProfile Rest Client presents the same certificate to the service through
 * Liberty's SSL configuration ({@code <ssl>} with the key store, as the server's outbound default). Liberty replaces a
 * Rest Client's own TLS settings with its SSL configuration: with {@code mtls-service/mp-rest/keyStore} and
 * {@code .../trustStore} instead, both calls failed the handshake ({@code CertificateException}, Liberty's trust
 * manager refusing the service's certificate; open-liberty#33537). The token endpoint and the service run in the test
 * JVM ({@link CertificateBoundService}); the service accepts a token only over a connection that presents the
 * certificate the token was issued to. The application and its SSL configuration are added through a configuration
 * drop-in for this test only, and removed after it.
 */
class LibertyMutualTlsIT {

    private static final String APP = "oauth-filter-mtls";
    private static CertificateBoundService service;
    private static Path dropin;

    @BeforeAll
    static void deploy() throws Exception {
        Path dir = Path.of(System.getProperty("it.libs")).getParent().resolve("it-mtls").toAbsolutePath();
        service = new CertificateBoundService(dir);
        String base = service.uri().toString();
        String password = CertificateBoundService.PASSWORD;
        String config = String.join("\n",
                "oauth.mtls.token-url=" + base + "/token",
                "oauth.mtls.client-id=liberty-mtls-client",
                "oauth.mtls.client-auth-method=tls_client_auth",
                "oauth.mtls.tls.key-store=" + service.clientKeyStore(),
                "oauth.mtls.tls.key-store-password=" + password,
                "oauth.mtls.tls.trust-store=" + service.trustStore(),
                "oauth.mtls.tls.trust-store-password=" + password,
                "oauth.mtls.allowed-hosts=" + base,
                "mtls-service/mp-rest/url=" + base);
        File[] libraries = new File(Objects.requireNonNull(System.getProperty("it.libs"), "it.libs")).listFiles();
        Path war = dir.resolve(APP + ".war");
        ShrinkWrap.create(WebArchive.class, APP + ".war")
                .addPackage(MutualTlsApplication.class.getPackage())
                .addAsLibraries(libraries)
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        dropin = ConfigDropins.path("mtls-it.xml");
        Files.createDirectories(dropin.getParent());
        // what the README shows: the client's key store and the service's trust as Liberty's outbound SSL settings
        Files.writeString(dropin, String.join("\n",
                "<server>",
                "  <keyStore id=\"mtlsClientKeys\" location=\"" + service.clientKeyStore() + "\" type=\"PKCS12\""
                        + " password=\"" + password + "\"/>",
                "  <keyStore id=\"mtlsTrust\" location=\"" + service.trustStore() + "\" type=\"PKCS12\""
                        + " password=\"" + password + "\"/>",
                "  <ssl id=\"mtlsOutbound\" keyStoreRef=\"mtlsClientKeys\" trustStoreRef=\"mtlsTrust\"/>",
                "  <sslDefault outboundSSLRef=\"mtlsOutbound\"/>",
                "  <webApplication location=\"" + war + "\" contextRoot=\"/" + APP + "\"/>",
                "</server>"), StandardCharsets.UTF_8);
        ConfigDropins.awaitStatus(APP, "/probe/mtls/ping", true);
    }

    @AfterAll
    static void undeploy() throws Exception {
        try {
            if (dropin != null) {
                Files.deleteIfExists(dropin);
                ConfigDropins.awaitStatus(APP, "/probe/mtls/ping", false);
            }
        } finally {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void theRestClientPresentsTheCertificateTheLibrarysTokenIsBoundTo() throws Exception {
        assertThat(LibertyClientGuaranteesIT.call(APP, "/probe/mtls/call", null))
                .as("two calls through the Rest Client").isEqualTo("status:200 status:200");

        String thumbprint = CertificateBoundService.thumbprintOf(service.clientKeyStore());
        assertThat(service.tokenRequests()).as("one token request, authenticated by the certificate alone")
                .containsExactly(thumbprint + " grant_type=client_credentials&client_id=liberty-mtls-client");
        assertThat(service.resourceCalls()).containsExactly("bound", "bound");

        // control: the service does refuse the same token over a connection with another trusted certificate
        String token = service.tokens().get(0);
        HttpClient other = HttpClient.newBuilder().sslContext(service.clientContext(service.otherKeyStore())).build();
        int status = other.send(HttpRequest.newBuilder(URI.create(service.uri() + "/resource"))
                .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).as("the token from another certificate").isEqualTo(401);
        assertThat(service.resourceCalls()).isEqualTo(List.of("bound", "bound", "refused"));
    }
}
