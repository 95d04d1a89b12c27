package dev.oauthfilter.runtimes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's guarantees on the runtime under test ({@code -Dprobe.runtime}), through its own clients (WildFly:
 * RESTEasy; Payara: Jersey), with the library unchanged in the probe WAR: what a Rest Client of a named client sends
 * and how often it asks for a token, injected token providers, a secret from the environment, the readiness check,
 * the 401 replay, redirects, and propagation. Every assertion is on what the probe's token endpoint and target
 * received (fingerprints, never tokens).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimeGuaranteesIT {

    @RegisterExtension
    static final ProbeServer SERVER = ProbeServer.shared();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] REDIRECTS = {301, 302, 303, 307, 308};

    @Test
    void aRestClientOfANamedClientSendsTheTokenOfItsOwnClientAndAsksForItOnce() {
        assertThat(SERVER.call("/call/orders/named/5")).as("five calls through the injected @RestClient OrdersApi")
                .isEqualTo("status:200 status:200 status:200 status:200 status:200");

        List<String> issued = list("/as/issued/probe-orders");
        assertThat(issued).as("token requests of the orders client (probe-orders)").hasSize(1);
        assertThat(list("/target/received/named")).as("what the target received")
                .hasSize(5).containsOnly(issued.get(0));
    }

    /**
     * {@code @OAuthClient} on the interface a call was made through, for a method it inherits: RESTEasy tells the
     * library that interface; on Jersey the library finds the Rest Client proxy on the calling thread's stack.
     */
    @Test
    void anInheritedMethodUsesTheClientOfTheCallingInterface() {
        assertThat(SERVER.call("/call/inherited/inherited")).isEqualTo("status:200");
        List<String> received = list("/target/received/inherited");
        assertThat(received).hasSize(1).doesNotContain("none");
        assertThat(list("/as/issued/probe-orders")).as("the orders client's token").contains(received.get(0));
        assertThat(list("/as/issued/probe-default")).as("not the default client's").doesNotContain(received.get(0));
    }

    @Test
    void injectedTokenProvidersGiveTheDefaultAndTheNamedClientsTokens() {
        String injected = SERVER.call("/call/injected");
        assertThat(injected).matches("default=[0-9a-f]{16} orders=[0-9a-f]{16}");
        String defaultHeader = injected.substring("default=".length(), injected.indexOf(' '));
        String ordersHeader = injected.substring(injected.indexOf("orders=") + "orders=".length());

        assertThat(list("/as/issued/probe-default")).as("@Inject TokenProvider: the default client's token")
                .contains(defaultHeader);
        assertThat(list("/as/issued/probe-orders")).as("@Inject @OAuthClient(\"orders\"): the orders client's token")
                .containsExactly(ordersHeader);
    }

    @Test
    void aClientSecretFromTheEnvironmentAuthenticatesTheClient() throws IOException {
        try (InputStream config = getClass().getResourceAsStream("/META-INF/microprofile-config.properties")) {
            assertThat(new String(config.readAllBytes(), StandardCharsets.UTF_8))
                    .as("the application's configuration has no secret for the orders client")
                    .contains("oauth.orders.client-id").doesNotContain("oauth.orders.client-secret");
        }
        assertThat(SERVER.call("/call/orders/environment/1")).isEqualTo("status:200");
        assertThat(list("/as/issued/probe-orders")).as("tokens issued for OAUTH_ORDERS_CLIENT_SECRET").isNotEmpty();
        assertThat(SERVER.call("/as/refused/probe-orders")).as("refused token requests of the orders client")
                .isEqualTo("0");
    }

    @Test
    void theReadinessCheckReportsEachConfiguredClient() throws IOException {
        HttpResponse<String> readiness = SERVER.readiness();
        assertThat(readiness.statusCode()).as("a client is DOWN: so is the server's readiness, %s", readiness.body())
                .isEqualTo(503);

        JsonNode check = oauthClientsCheck(JSON.readTree(readiness.body()));
        assertThat(check.path("status").asText()).isEqualTo("DOWN");
        JsonNode data = check.path("data");
        SoftAssertions soft = new SoftAssertions();
        for (String client : List.of("default", "orders", "replay")) {
            soft.assertThat(data.path(client).asText()).as(client).matches("UP, token expires in \\d+ s");
            soft.assertThat(Long.parseLong(data.path(client).asText().replaceAll("\\D", "")))
                    .as("%s: of a token issued for an hour", client).isBetween(3000L, 3600L);
        }
        soft.assertThat(data.path("propagated").asText()).isEqualTo("UP (propagation)");
        soft.assertThat(data.path("refused").asText()).as("a client whose secret the token endpoint refuses")
                .isEqualTo("DOWN TOKEN_ENDPOINT_ERROR");
        soft.assertAll();
        assertThat(Integer.parseInt(SERVER.call("/as/refused/probe-refused"))).as("the refused client asked")
                .isPositive();
    }

    @Test
    void aTokenNeverCrossesToAnotherOriginWhateverTheRedirectSetting() {
        SoftAssertions soft = new SoftAssertions();
        for (int status : REDIRECTS) {
            for (boolean follow : new boolean[] {true, false}) {
                String same = "same-" + status + "-" + follow;
                String sameOutcome = SERVER.call("/call/redirect/rest/" + follow + "/" + status + "/same/" + same);
                String other = "other-" + status + "-" + follow;
                String otherOutcome = SERVER.call("/call/redirect/rest/" + follow + "/" + status + "/other/" + other);
                if (follow) {
                    soft.assertThat(sameOutcome).as("%s same origin, followed", status).isEqualTo("status:200");
                    soft.assertThat(list("/target/received/" + same)).as("%s same origin keeps the token", status)
                            .hasSize(1).doesNotContain("none");
                    soft.assertThat(otherOutcome).as("%s other origin, followed", status).isEqualTo("status:200");
                    soft.assertThat(list("/target/received/" + other)).as("%s other origin gets no token", status)
                            .containsExactly("none");
                } else {
                    soft.assertThat(sameOutcome).as("%s not followed: the application's choice", status)
                            .isEqualTo("status:" + status);
                    soft.assertThat(list("/target/received/" + same)).as("%s not followed", status).isEmpty();
                    soft.assertThat(otherOutcome).as("%s not followed", status).isEqualTo("status:" + status);
                    soft.assertThat(list("/target/received/" + other)).as("%s not followed", status).isEmpty();
                }
            }
            // a plain JAX-RS client follows redirects as its implementation does by default: Jersey does, RESTEasy not
            String jaxrs = "jaxrs-other-" + status;
            String outcome = SERVER.call("/call/redirect/jaxrs/default/" + status + "/other/" + jaxrs);
            if (SERVER.runtime().jaxRsClientFollowsRedirects()) {
                soft.assertThat(outcome).as("%s plain JAX-RS client, followed", status).isEqualTo("status:200");
                soft.assertThat(list("/target/received/" + jaxrs)).as("%s plain JAX-RS client", status)
                        .containsExactly("none");
            } else {
                soft.assertThat(outcome).as("%s plain JAX-RS client, not followed", status)
                        .isEqualTo("status:" + status);
                soft.assertThat(list("/target/received/" + jaxrs)).as("%s plain JAX-RS client", status).isEmpty();
            }
        }
        soft.assertAll();
    }

    /**
     * A redirect within the origin but out of the client's {@code allowed-hosts}: the JDK's HttpURLConnection (Jersey's
     * default connector on Payara) would forward the token there, as RESTEasy's engine would; the filter does not.
     */
    @Test
    void aRedirectOutOfTheAllowedHostsCarriesNoTokenOnTheSameOrigin() {
        SoftAssertions soft = new SoftAssertions();
        for (int status : REDIRECTS) {
            String outside = "outside-" + status;
            soft.assertThat(SERVER.call("/call/redirect/orders/true/" + status + "/outside/" + outside))
                    .as("%s followed", status).isEqualTo("status:200");
            soft.assertThat(list("/target/received/" + outside)).as("%s out of allowed-hosts", status)
                    .containsExactly("none");
        }
        soft.assertAll();
    }

    @Test
    void aPropagatingClientForwardsTheCallersTokenOnlyWithinItsRequest() {
        String caller = "Bearer caller-token-" + System.nanoTime();

        assertThat(SERVER.call("/call/propagated/in-request", caller)).isEqualTo("status:200");
        assertThat(list("/target/received/in-request")).as("the caller's token").containsExactly(fingerprint(caller));

        assertThat(SERVER.call("/task/propagated/in-task", caller))
                .as("a managed executor task submitted by the caller's request").isEqualTo("refused:NO_INCOMING_TOKEN");
        assertThat(SERVER.call("/call/propagated/no-caller-token")).as("a request without a token")
                .isEqualTo("refused:NO_INCOMING_TOKEN");
        assertThat(list("/target/received/in-task")).isEmpty();
        assertThat(list("/target/received/no-caller-token")).isEmpty();
    }

    /**
     * The library brings Jackson into the WAR; WildFly then writes the application's own JSON with Jackson instead of
     * JSON-B (WFLYRS0018) unless {@code resteasy.preferJacksonOverJsonB=false} (the probe's web.xml) says otherwise.
     */
    @Test
    void theApplicationsOwnJsonIsStillWrittenByJsonB() {
        assertThat(SERVER.call("/json")).isEqualTo("{\"note_text\":\"written by JSON-B\"}");
    }

    /** Last but one: the others give the tokens time to age. */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aRefusedTokenIsDroppedAndTheRequestReplayedOnceWithANewOne() {
        awaitTokensOlderThan(5_500);
        List<String> replayIssued = list("/as/issued/probe-replay");
        List<String> defaultIssued = list("/as/issued/probe-default");

        assertThat(SERVER.call("/call/unauthorized-once/rest/replay-rest")).as("Rest Client of the replay client")
                .isEqualTo("status:200");
        assertThat(SERVER.call("/call/unauthorized-once/jaxrs/replay-jaxrs")).as("JAX-RS client, default client")
                .isEqualTo("status:200");

        assertReplayedWithANewToken("replay-rest", replayIssued, list("/as/issued/probe-replay"));
        assertReplayedWithANewToken("replay-jaxrs", defaultIssued, list("/as/issued/probe-default"));
    }

    /**
     * Last: after every call, the server's logs, with oauth-filter's records at every level, hold neither a token nor
     * a secret.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theServersLogsHoldNoTokenAndNoSecret() throws IOException {
        Path work = SERVER.log().getParent();
        List<Path> logs;
        try (Stream<Path> files = Files.walk(work)) {
            logs = files.filter(file -> file.toString().endsWith(".log") && Files.isRegularFile(file)).toList();
        }
        assertThat(logs).contains(SERVER.log());
        assertThat(SERVER.log()).as("the server's output").isNotEmptyFile();
        StringBuilder all = new StringBuilder();
        for (Path log : logs) {
            all.append(Files.readString(log, StandardCharsets.ISO_8859_1));
        }
        assertThat(all).as("the check is only meaningful if oauth-filter's FINE records are in the logs")
                .contains("obtained AccessToken[type=Bearer, sha256=");
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(text).as(log.toString())
                    .doesNotContain(SERVER.ordersSecret())
                    .doesNotContain("test-only-secret")
                    .doesNotContain("probe-probe-")     // every issued token starts so
                    .doesNotContain("caller-token-");
        }
    }

    private static void assertReplayedWithANewToken(String id, List<String> issuedBefore, List<String> issuedAfter) {
        List<String> received = list("/target/received/" + id);
        assertThat(received).as("%s: the refused token, then one new token", id).hasSize(2).doesNotContain("none");
        assertThat(issuedAfter).as("%s: one token request for the replay", id).hasSize(issuedBefore.size() + 1);
        assertThat(received.get(0)).as("%s: the token it had", id).isEqualTo(issuedBefore.get(issuedBefore.size() - 1));
        assertThat(received.get(1)).as("%s: the new token", id).isEqualTo(issuedAfter.get(issuedAfter.size() - 1));
    }

    private static void awaitTokensOlderThan(long millis) {
        Instant deadline = Instant.now().plusSeconds(30);
        long age;
        while ((age = Long.parseLong(SERVER.call("/call/token-age"))) < millis) {
            assertThat(Instant.now()).as("tokens aged %d ms", millis).isBefore(deadline);
            // waiting for time itself to pass (the library's 5 s rule reads the server's clock): nothing to signal it
            pause(millis - age);
        }
    }

    private static JsonNode oauthClientsCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if ("oauth-clients".equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no oauth-clients check in " + health);
    }

    private static List<String> list(String path) {
        String body = SERVER.call(path);
        assertThat(body).as(path).doesNotStartWith("http:");
        return body.isEmpty() ? List.of() : List.of(body.split(","));
    }

    private static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.max(50, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
