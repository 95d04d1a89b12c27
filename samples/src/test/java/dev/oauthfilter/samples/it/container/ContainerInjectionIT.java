package dev.oauthfilter.samples.it.container;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClient;
import dev.oauthfilter.TokenProvider;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs inside Open Liberty (Arquillian, REST protocol): CDI injection of token providers and of MicroProfile Rest
 * Clients carrying the filter, against the sample's demo authorization server and protected notes service.
 */
@ExtendWith(ArquillianExtension.class)
class ContainerInjectionIT {

    private static final String BASE = "http://localhost:${http.port}/oauth-filter-samples/api";

    @Deployment
    static WebArchive deployment() {
        String config = String.join("\n",
                "oauth.token-url=" + BASE + "/demo-as/oauth/token",
                "oauth.client-id=arquillian-backend",
                "oauth.client-secret=${demo.client.secret}",
                "oauth.reports.server-url=" + BASE + "/demo-as/imf-authserver",
                "oauth.reports.tenant-id=demo-tenant",
                "oauth.reports.client-id=arquillian-reports",
                "oauth.reports.client-secret=${demo.client.secret}",
                "oauth.broken.token-url=" + BASE + "/demo-as/oauth/token",
                "oauth.broken.client-id=arquillian-broken",
                "oauth.broken.client-secret=not-the-demo-secret",
                "oauth.health-timeout=PT5S",
                "it-notes/mp-rest/url=" + BASE);
        File[] libraries = new File(Objects.requireNonNull(System.getProperty("it.libs"), "it.libs")).listFiles();
        return ShrinkWrap.create(WebArchive.class, "oauth-filter-arquillian.war")
                .addClasses(ContainerInjectionIT.class, ArquillianNotesApi.class, ArquillianReportsApi.class)
                .addAsLibraries(libraries)
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Inject
    TokenProvider tokens;

    @Inject
    @OAuthClient("reports")
    TokenProvider reportsTokens;

    @Inject
    @RestClient
    ArquillianNotesApi notes;

    @Inject
    @Readiness
    HealthCheck readiness;

    @Inject
    @RestClient
    ArquillianReportsApi reportsNotes;

    @Test
    void anInjectedTokenProviderGivesAValidJwtForTheDefaultClient() {
        AccessToken token = tokens.token();

        assertTrue(token.expiresAt().isAfter(Instant.now()));
        assertTrue(claims(token).contains("\"sub\":\"arquillian-backend\""), "subject of the default client");
        assertEquals("Bearer " + token.value(), tokens.authorizationHeader());
    }

    @Test
    void aNamedClientIsInjectedWithItsOwnCredentialsAndLayout() {
        AccessToken token = reportsTokens.token();

        assertTrue(claims(token).contains("\"sub\":\"arquillian-reports\""), "subject of the named client");
    }

    @Test
    void theSameProviderIsSharedAcrossInjectionPoints() {
        assertSame(tokens.token(), tokens.token(), "cached token");
    }

    @Test
    void anInjectedRestClientWithTheFilterReachesTheProtectedService() {
        String page = notes.notes();

        assertTrue(page.contains("\"caller\":\"arquillian-backend\""), page);
    }

    @Test
    void oAuthClientOnARestClientMethodSelectsTheNamedClient() {
        String page = reportsNotes.notes();

        assertTrue(page.contains("\"caller\":\"arquillian-reports\""), page);
    }

    @Test
    void theReadinessCheckIsDownWithTheErrorCodeOfAClientThatCannotGetAToken() {
        HealthCheckResponse response = readiness.call();

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("DOWN TOKEN_ENDPOINT_ERROR", data.get("broken"));
        assertTrue(String.valueOf(data.get("default")).startsWith("UP, token expires in"), data.toString());
        assertTrue(String.valueOf(data.get("reports")).startsWith("UP"), data.toString());
    }

    private static String claims(AccessToken token) {
        String payload = token.value().split("\\.")[1];
        return new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8).replace(" ", "");
    }
}
