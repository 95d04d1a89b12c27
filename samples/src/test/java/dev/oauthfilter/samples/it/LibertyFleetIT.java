package dev.oauthfilter.samples.it;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.samples.it.fleet.FleetApplication;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fleet-wide tokens on Open Liberty: two replicas of a backend, one the fleet application on the Liberty server
 * (turned on by MicroProfile Config alone: {@code oauth.shared-cache.provider} and {@code oauth.shared-cache.uri},
 * Hazelcast and the JCache API in its {@code WEB-INF/lib}), the other this test's JVM (a {@link TokenCache} shared
 * through a Hazelcast member of the same configuration). Many calls from both make one token request at the sample's
 * authorization server. The same again with Hazelcast and the JCache API in a Liberty {@code <library>} instead of the
 * WAR, configured by {@code src/main/liberty/config/fleet-library.xml} as the README documents it.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyFleetIT {

    private static final String APP = "oauth-filter-fleet";
    private static final String CLIENT_ID = "fleet-backend";
    private static final String HAZELCAST = "classpath:fleet-hazelcast.xml";
    private static final String LIBRARY_APP = "oauth-filter-fleet-library";
    private static final String LIBRARY_HAZELCAST = "classpath:fleet-library-hazelcast.xml";
    private static final String TOKEN_URL = "http://localhost:${http.port}/oauth-filter-samples/api/demo-as/oauth/token";

    @Deployment(testable = false, name = APP)
    static WebArchive deployment() {
        return fleetApplication(APP, HAZELCAST).addAsLibraries(libraries("it.fleet.libs"));
    }

    /** The fleet application, turned on by MicroProfile Config alone, without Hazelcast and the JCache API. */
    private static WebArchive fleetApplication(String name, String hazelcastUri) {
        String config = String.join("\n",
                "oauth.token-url=" + TOKEN_URL,
                "oauth.client-id=" + CLIENT_ID,
                "oauth.client-secret=${demo.client.secret}",
                "oauth.shared-cache.provider=com.hazelcast.cache.HazelcastMemberCachingProvider",
                "oauth.shared-cache.uri=" + hazelcastUri);
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage(FleetApplication.class.getPackage())
                .addAsLibraries(libraries("it.libs"))
                .addAsResource(hazelcastUri.substring("classpath:".length()))
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    private static File[] libraries(String property) {
        return new File(Objects.requireNonNull(System.getProperty(property), property)).listFiles();
    }

    @Test
    void aLibertyReplicaAndAnotherProcessMakeOneTokenRequestBetweenThem() throws Exception {
        assertOneTokenRequestBetween(APP, HAZELCAST);

        // the fleet's client is in the application's metrics like any other (before: absent, the binding listened to
        // the library's shared cache only)
        String metrics = SampleServer.getAbsolute("http://localhost:" + System.getProperty("http.port", "9080")
                + "/metrics?scope=application").body();
        Matcher hits = Pattern.compile("^oauth_token_cache_hits\\{([^}]*app=\"" + APP
                + "\"[^}]*)\\}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(hits.find()).as("oauth_token_cache_hits of " + APP + " in:\n" + metrics).isTrue();
        assertThat(hits.group(1)).contains("client=\"default\"");
        assertThat(Double.parseDouble(hits.group(2))).as("51 calls on Liberty").isGreaterThanOrEqualTo(50.0);
    }

    @Test
    void hazelcastCanBeALibertyLibraryInsteadOfPartOfTheApplication() throws Exception {
        Path target = Path.of(System.getProperty("it.fleet.libs")).getParent();
        Path war = target.resolve("it-fleet-library").resolve(LIBRARY_APP + ".war");
        Files.createDirectories(war.getParent());
        fleetApplication(LIBRARY_APP, LIBRARY_HAZELCAST).as(ZipExporter.class).exportTo(war.toFile(), true);
        // the documented configuration file as it is, its variables set beside it
        Path dropin = ConfigDropins.path("fleet-library-it.xml");
        Files.createDirectories(dropin.getParent());
        Files.writeString(dropin, String.join("\n",
                "<server>",
                "  <include location=\"" + Path.of(System.getProperty("liberty.config.dir"), "fleet-library.xml")
                        .toAbsolutePath() + "\"/>",
                "  <variable name=\"jcache.lib.dir\" value=\"" + Path.of(System.getProperty("it.fleet.libs"))
                        .toAbsolutePath() + "\"/>",
                "  <variable name=\"fleet.app.location\" value=\"" + war.toAbsolutePath() + "\"/>",
                "  <variable name=\"fleet.app.context\" value=\"/" + LIBRARY_APP + "\"/>",
                "</server>"), StandardCharsets.UTF_8);
        try {
            ConfigDropins.awaitStatus(LIBRARY_APP, "/probe/fleet/tokens/0", true);
            assertOneTokenRequestBetween(LIBRARY_APP, LIBRARY_HAZELCAST);
        } finally {
            Files.delete(dropin);
            ConfigDropins.awaitStatus(LIBRARY_APP, "/probe/fleet/tokens/0", false);
        }
        // the member the provider started for the application's configuration file ends with it (its threads are
        // named after that file's URL): before, it ran on, keeping the removed application in memory
        try (LibertyJmx jmx = LibertyJmx.connect()) {
            Instant deadline = Instant.now().plusSeconds(30);
            List<String> left = memberThreads(jmx, LIBRARY_APP);
            while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
                left = memberThreads(jmx, LIBRARY_APP);
            }
            assertThat(left).as("Hazelcast threads of the removed application").isEmpty();
        }
    }

    private static List<String> memberThreads(LibertyJmx jmx, String application) throws Exception {
        return jmx.threadNames().stream().filter(name -> name.startsWith("hz.") && name.contains(application + ".war"))
                .collect(Collectors.toList());
    }

    private static void assertOneTokenRequestBetween(String application, String hazelcastUri) throws Exception {
        int before = SampleServer.tokenRequests(CLIENT_ID);
        CachingProvider provider = new com.hazelcast.cache.HazelcastMemberCachingProvider();
        try {
            CacheManager manager = provider.getCacheManager(URI.create(hazelcastUri), provider.getDefaultClassLoader(),
                    new Properties());
            TokenCache cache = TokenCache.builder().sharedVia(manager).build();
            try {
                TokenProvider tokens = cache.provider(OAuthClientConfig.builder()
                        .tokenUrl(URI.create(TOKEN_URL.replace("${http.port}", System.getProperty("http.port"))))
                        .clientId(CLIENT_ID).clientSecret(System.getProperty("demo.client.secret")).build());

                // the Liberty replica's first call starts its member, which joins this one, and gets the token
                String onLiberty = LibertyClientGuaranteesIT.call(application, "/probe/fleet/tokens/1", null);
                Set<String> here = new HashSet<>();
                for (int i = 0; i < 50; i++) {
                    here.add(tokens.token().fingerprint());
                }
                String onLibertyAgain = LibertyClientGuaranteesIT.call(application, "/probe/fleet/tokens/50", null);

                assertThat(onLiberty).as("the Liberty replica's token").matches("[0-9a-f]{16}");
                assertThat(here).as("this process's tokens").containsExactly(onLiberty);
                assertThat(onLibertyAgain).as("the Liberty replica, 50 calls later").isEqualTo(onLiberty);
                assertThat(SampleServer.tokenRequests(CLIENT_ID) - before)
                        .as("token requests for 101 calls from two processes").isEqualTo(1);
            } finally {
                cache.close();
            }
        } finally {
            provider.close();
        }
    }
}
