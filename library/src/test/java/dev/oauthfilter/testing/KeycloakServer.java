package dev.oauthfilter.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A real Keycloak 26 (dev mode, H2) for the integration tests: one server for the whole test run, started by the first
 * class that registers this extension, shared by every later one, stopped when the run ends (JUnit's root store) or
 * the JVM exits. The realm {@code src/test/resources/keycloak/oauth-filter-realm.json} is imported afresh at each
 * start; the server's output is in {@code target/keycloak/keycloak.log}.
 * <pre>{@code
 * @RegisterExtension
 * static final KeycloakServer KEYCLOAK = KeycloakServer.shared();
 *
 * OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(KEYCLOAK.tokenEndpoint())...build();
 * assertThat(KEYCLOAK.introspect(token, "secret-post", SECRET)).containsEntry("active", true);
 * }</pre>
 * If Keycloak cannot start (no Java 21+, no distribution, not ready in time), every test of every class that registers
 * it fails with the reason; the start is not tried again in the same run.
 */
public final class KeycloakServer implements BeforeAllCallback {

    private static final Namespace NAMESPACE = Namespace.create(KeycloakServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile KeycloakProcess process;

    private KeycloakServer() {
    }

    /** @return the extension, to register on a static field */
    public static KeycloakServer shared() {
        return new KeycloakServer();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        process = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, key -> Started.start(), Started.class).process();
    }

    /** @return the realm's issuer, {@code http://127.0.0.1:<port>/realms/oauth-filter} */
    public URI issuer() {
        return running().baseUri().resolve("/realms/" + KeycloakSettings.REALM);
    }

    /** @return the realm's token endpoint */
    public URI tokenEndpoint() {
        return oidc("token");
    }

    /**
     * @return the realm's issuer on the HTTPS listener, which asks for a client certificate (mutual TLS; dev mode
     *         names the issuer after the URL it is reached by)
     */
    public URI httpsIssuer() {
        return running().httpsBaseUri().resolve("/realms/" + KeycloakSettings.REALM);
    }

    /** @return the realm's token endpoint on the HTTPS listener */
    public URI httpsTokenEndpoint() {
        return URI.create(httpsIssuer() + "/protocol/openid-connect/token");
    }

    /** @return the realm's userinfo endpoint on the HTTPS listener */
    public URI httpsUserinfoEndpoint() {
        return URI.create(httpsIssuer() + "/protocol/openid-connect/userinfo");
    }

    /** @return the certificates of the HTTPS listener: its trust store, the trusted client's key store */
    public KeycloakTls tls() {
        return running().tls();
    }

    /** @return the realm's userinfo endpoint: it answers 200 to a valid token with scope {@code openid} only */
    public URI userinfoEndpoint() {
        return oidc("userinfo");
    }

    /** @return the realm's token introspection endpoint (RFC 7662) */
    public URI introspectionEndpoint() {
        return oidc("token/introspect");
    }

    /** @return how long the server took from launch until its realm was served */
    public Duration startup() {
        return running().startup();
    }

    /**
     * Asks Keycloak what it knows of {@code token} (RFC 7662), authenticating as a client of the realm with
     * {@code client_secret_basic}.
     *
     * @return the introspection response: {@code active}, and for an active token its claims ({@code client_id},
     *         {@code azp}, {@code scope}, {@code exp}...)
     */
    public Map<String, Object> introspect(String token, String clientId, String clientSecret) {
        return introspect(http, introspectionEndpoint(), token, clientId, clientSecret);
    }

    /**
     * Like {@link #introspect(String, String, String)}, on the HTTPS listener: a token Keycloak issued there names
     * that listener's issuer, and Keycloak's introspection answers {@code active: false} anywhere else.
     */
    public Map<String, Object> httpsIntrospect(String token, String clientId, String clientSecret) {
        HttpClient overTls = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(tls().context(null)).build();
        return introspect(overTls, URI.create(httpsIssuer() + "/protocol/openid-connect/token/introspect"), token,
                clientId, clientSecret);
    }

    private static Map<String, Object> introspect(HttpClient http, URI endpoint, String token, String clientId,
                                                  String clientSecret) {
        String credentials = form(clientId) + ":" + form(clientSecret);
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("introspection answered HTTP " + response.statusCode());
            }
            return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Adds to the test realm through Keycloak's admin REST API, for what a test cannot write in the realm file (a
     * setting that names a port of its own, say): {@code POST /admin/realms/oauth-filter/<path>} with {@code json}.
     * Something with the same name already there (a second class of the same run) is left as it is.
     *
     * @param path e.g. {@code clients} or {@code identity-provider/instances}
     * @throws IllegalStateException when Keycloak answers anything but 201 or 409
     */
    public void create(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(running().baseUri().resolve("/admin/realms/"
                        + KeycloakSettings.REALM + "/" + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = send(http, request);
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IllegalStateException("creating " + path + " answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private String adminToken() {
        HttpRequest request = HttpRequest.newBuilder(running().baseUri()
                        .resolve("/realms/master/protocol/openid-connect/token")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
                        + form(KeycloakSettings.ADMIN_USER) + "&password=" + form(KeycloakSettings.ADMIN_PASSWORD)))
                .build();
        HttpResponse<String> response = send(http, request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the admin token request answered HTTP " + response.statusCode());
        }
        try {
            return (String) JSON.readValue(response.body(), Map.class).get("access_token");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI oidc(String endpoint) {
        return URI.create(issuer() + "/protocol/openid-connect/" + endpoint);
    }

    private KeycloakProcess running() {
        if (process == null) {
            throw new IllegalStateException("KeycloakServer is used before its beforeAll: register it with"
                    + " @RegisterExtension on a static field");
        }
        return process;
    }

    // RFC 6749 §2.3.1: client_secret_basic credentials are form-encoded before Base64, and Keycloak decodes them
    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * The one server of the run, or why it could not start, kept in the root store. It implements the deprecated
     * {@code CloseableResource} too: junit-platform.properties turns off the closing of {@code AutoCloseable} store
     * values (for weld-junit5), and this one must be closed.
     */
    @SuppressWarnings("deprecation")
    private static final class Started implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final KeycloakProcess process;
        private final RuntimeException failure;

        private Started(KeycloakProcess process, RuntimeException failure) {
            this.process = process;
            this.failure = failure;
        }

        static Started start() {
            try {
                KeycloakProcess started = KeycloakProcess.start(KeycloakSettings.fromSystemProperties());
                System.out.printf("Keycloak ready at %s in %.1f s%n", started.baseUri(),
                        started.startup().toMillis() / 1000.0);
                return new Started(started, null);
            } catch (RuntimeException e) {
                return new Started(null, e);
            }
        }

        KeycloakProcess process() {
            if (failure != null) {
                throw new IllegalStateException("Keycloak could not start: " + failure.getMessage(), failure);
            }
            return process;
        }

        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }
    }
}
