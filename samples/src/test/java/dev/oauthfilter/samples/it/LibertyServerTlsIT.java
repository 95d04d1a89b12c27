package dev.oauthfilter.samples.it;

import dev.oauthfilter.samples.it.servertls.ServerTlsApplication;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token requests follow Liberty's TLS configuration (issue 22): the token endpoints' certificate is issued by a private
 * CA that only a trust store named in the server's configuration trusts, and no client has an
 * {@code oauth.*.tls.trust-store} or {@code tls.key-store} key.
 * <ul>
 *   <li>{@code byhost} (no TLS key at all) gets its token: Liberty chooses the {@code <ssl>} whose
 *       {@code <outboundConnection>} names the endpoint's host and port; {@code otherport}, the same on the other
 *       port, where Liberty's choice is its default configuration, fails with {@code TOKEN_ENDPOINT_UNREACHABLE};</li>
 *   <li>{@code named} ({@code tls.ssl-ref} naming that {@code <ssl>}) gets its token from the other port;
 *       {@code namedwithouttrust} ({@code tls.ssl-ref=defaultSSLConfig}) does not;</li>
 *   <li>{@code mtls} ({@code tls_client_auth}, {@code tls.ssl-ref} naming an {@code <ssl>} whose key store holds the
 *       client certificate) authenticates to a token endpoint that requires that certificate.</li>
 * </ul>
 * The application and the SSL configurations are added through a configuration drop-in for this test only, and
 * removed after it.
 */
class LibertyServerTlsIT {

    private static final String APP = "oauth-filter-servertls";
    private static final String SECRET = "server-tls-it-secret-7d41";
    private static PrivateCaTokenEndpoints endpoints;
    private static CertificateBoundService certificateBound;
    private static Path dropin;

    @BeforeAll
    static void deploy() throws Exception {
        Path dir = Path.of(System.getProperty("it.libs")).getParent().resolve("it-servertls").toAbsolutePath();
        endpoints = new PrivateCaTokenEndpoints(dir.resolve("private-ca"));
        certificateBound = new CertificateBoundService(dir.resolve("mtls"));
        List<String> config = new ArrayList<>();
        client(config, "byhost", endpoints.tokenUrl(0).toString(), null);
        client(config, "otherport", endpoints.tokenUrl(1).toString(), null);
        client(config, "named", endpoints.tokenUrl(1).toString(), "privateCaTokenSSL");
        client(config, "namedwithouttrust", endpoints.tokenUrl(1).toString(), "defaultSSLConfig");
        client(config, "serverdefault", endpoints.tokenUrl(1).toString(), null);
        config.add("oauth.mtls.token-url=" + certificateBound.uri() + "/token");
        config.add("oauth.mtls.client-id=liberty-mtls-client");
        config.add("oauth.mtls.client-auth-method=tls_client_auth");
        config.add("oauth.mtls.tls.ssl-ref=mtlsTokenSSL");
        File[] libraries = new File(Objects.requireNonNull(System.getProperty("it.libs"), "it.libs")).listFiles();
        Path war = dir.resolve(APP + ".war");
        ShrinkWrap.create(WebArchive.class, APP + ".war")
                .addPackage(ServerTlsApplication.class.getPackage())
                .addAsLibraries(libraries)
                .addAsResource(new StringAsset(String.join("\n", config)), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        String password = PrivateCaTokenEndpoints.PASSWORD;
        String mtlsPassword = CertificateBoundService.PASSWORD;
        dropin = ConfigDropins.path("server-tls-it.xml");
        Files.createDirectories(dropin.getParent());
        Files.writeString(dropin, String.join("\n",
                "<server>",
                "  <keyStore id=\"privateCaTrust\" location=\"" + endpoints.trustStore() + "\" type=\"PKCS12\""
                        + " password=\"" + password + "\"/>",
                // the server's trust for one host and port: Liberty's dynamic outbound selection
                "  <ssl id=\"privateCaTokenSSL\" keyStoreRef=\"defaultKeyStore\" trustStoreRef=\"privateCaTrust\">",
                "    <outboundConnection host=\"127.0.0.1\" port=\"" + endpoints.port(0) + "\"/>",
                "  </ssl>",
                "  <keyStore id=\"mtlsTokenKeys\" location=\"" + certificateBound.clientKeyStore() + "\""
                        + " type=\"PKCS12\" password=\"" + mtlsPassword + "\"/>",
                "  <keyStore id=\"mtlsTokenTrust\" location=\"" + certificateBound.trustStore() + "\""
                        + " type=\"PKCS12\" password=\"" + mtlsPassword + "\"/>",
                "  <ssl id=\"mtlsTokenSSL\" keyStoreRef=\"mtlsTokenKeys\" trustStoreRef=\"mtlsTokenTrust\"/>",
                "  <webApplication location=\"" + war + "\" contextRoot=\"/" + APP + "\"/>",
                "</server>"), StandardCharsets.UTF_8);
        ConfigDropins.awaitStatus(APP, "/probe/tls/ping", true);
    }

    /** A client_secret_post client (its id in the form) with no TLS key but, maybe, {@code tls.ssl-ref}. */
    private static void client(List<String> config, String name, String tokenUrl, String sslRef) {
        config.add("oauth." + name + ".token-url=" + tokenUrl);
        config.add("oauth." + name + ".client-id=" + name + "-client");
        config.add("oauth." + name + ".client-secret=" + SECRET);
        config.add("oauth." + name + ".client-auth-method=client_secret_post");
        config.add("oauth." + name + ".max-attempts=1");
        if (sslRef != null) {
            config.add("oauth." + name + ".tls.ssl-ref=" + sslRef);
        }
    }

    @AfterAll
    static void undeploy() throws Exception {
        try {
            if (dropin != null) {
                Files.deleteIfExists(dropin);
                ConfigDropins.awaitStatus(APP, "/probe/tls/ping", false);
            }
        } finally {
            if (endpoints != null) {
                endpoints.close();
            }
            if (certificateBound != null) {
                certificateBound.close();
            }
        }
    }

    private static String token(String client) {
        return LibertyClientGuaranteesIT.call(APP, "/probe/tls/token/" + client, null);
    }

    private static List<String> requestsOf(String client) {
        return endpoints.requests().stream().filter(r -> r.contains("client_id=" + client + "-client"))
                .map(r -> r.substring(0, r.indexOf(' '))).collect(Collectors.toList());
    }

    @Test
    void aClientWithoutTlsKeysGetsItsTokenThroughTheSslConfigurationLibertyChoosesForTheEndpoint() throws Exception {
        assertThat(token("byhost")).startsWith("token:private-ca-");
        assertThat(requestsOf("byhost")).containsExactly("endpoint0");

        // control: the same endpoint on a port no <outboundConnection> names gets Liberty's default, without the CA
        assertThat(token("otherport")).isEqualTo("error:TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(requestsOf("otherport")).isEmpty();
        assertNoSecretInTheServerLogs();
    }

    @Test
    void sslRefNamesTheConfigurationWhateverLibertyWouldChooseForTheHost() throws Exception {
        assertThat(token("named")).startsWith("token:private-ca-");
        assertThat(requestsOf("named")).containsExactly("endpoint1");

        // control: naming a configuration without the CA's certificate fails as a TLS failure
        assertThat(token("namedwithouttrust")).isEqualTo("error:TOKEN_ENDPOINT_UNREACHABLE");
        assertThat(requestsOf("namedwithouttrust")).isEmpty();
        assertNoSecretInTheServerLogs();
    }

    /**
     * The server's own default configuration ({@code <sslDefault sslRef>}, its inbound one) is not taken unasked, even
     * when it trusts the endpoint: a token endpoint with a public CA's certificate, which the JVM's default trusts,
     * must not fail after an upgrade on a server whose {@code sslRef} names a configuration of its own.
     */
    @Test
    void theServersDefaultSslConfigurationIsNotTakenUnasked() throws Exception {
        Path sslDefault = ConfigDropins.path("server-tls-sslref-it.xml");
        Path messages = Path.of(System.getProperty("liberty.server.dir"), "logs", "messages.log");
        try {
            long updates = configurationUpdates(messages);
            Files.writeString(sslDefault, "<server><sslDefault sslRef=\"privateCaTokenSSL\"/></server>",
                    StandardCharsets.UTF_8);
            awaitConfigurationUpdate(messages, updates);

            assertThat(token("serverdefault")).as("the JVM's default TLS context, which does not trust the private CA")
                    .isEqualTo("error:TOKEN_ENDPOINT_UNREACHABLE");
            assertThat(requestsOf("serverdefault")).isEmpty();
        } finally {
            long updates = configurationUpdates(messages);
            if (Files.deleteIfExists(sslDefault)) {
                awaitConfigurationUpdate(messages, updates);
            }
        }
    }

    private static long configurationUpdates(Path messages) throws IOException {
        return Files.readAllLines(messages, StandardCharsets.ISO_8859_1).stream()
                .filter(line -> line.contains("CWWKG0017I")).count();
    }

    /**
     * Liberty says CWWKG0017I once it applied a changed configuration: woken by each change to its log directory
     * (a watch registered before the first look, so no line written meanwhile is missed), not by a guessed pause.
     */
    private static void awaitConfigurationUpdate(Path messages, long before) throws Exception {
        try (java.nio.file.WatchService watcher = messages.getFileSystem().newWatchService()) {
            messages.getParent().register(watcher, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY,
                    java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (configurationUpdates(messages) <= before) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("Liberty applied the changed configuration within 60 s").isPositive();
                java.nio.file.WatchKey changed = watcher.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (changed != null) {
                    changed.pollEvents();
                    changed.reset();
                }
            }
        }
    }

    @Test
    void aMutualTlsClientPresentsTheCertificateOfTheNamedSslConfiguration() throws Exception {
        assertThat(token("mtls")).startsWith("token:bound-");

        String thumbprint = CertificateBoundService.thumbprintOf(certificateBound.clientKeyStore());
        assertThat(certificateBound.tokenRequests()).as("authenticated by the certificate of mtlsTokenSSL's key store")
                .containsExactly(thumbprint + " grant_type=client_credentials&client_id=liberty-mtls-client");
    }

    private static void assertNoSecretInTheServerLogs() throws IOException {
        Path logs = Path.of(System.getProperty("liberty.server.dir"), "logs");
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).collect(Collectors.toList())) {
                assertThat(Files.readString(log, StandardCharsets.ISO_8859_1)).as(log.getFileName().toString())
                        .doesNotContain(SECRET);
            }
        }
    }
}
