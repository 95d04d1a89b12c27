package dev.oauthfilter.samples.it;

import org.assertj.core.api.SoftAssertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's guarantees on Liberty's own clients (RESTEasy's MicroProfile Rest Client and JAX-RS client), in an
 * application of its own beside the sample (the probe application that WildFly and Payara deploy, {@link
 * ProbeDeployment}): a user's propagated token never reaches other work on the server's pool threads or its managed
 * executor, a token never crosses to another origin whatever the application's redirect setting, and a 401 is
 * replayed once with a new token.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyClientGuaranteesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int[] REDIRECTS = {301, 302, 303, 307, 308};

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ProbeDeployment.archive("oauth-filter-probes");
    }

    @Test
    void aPropagatedUsersTokenNeverReachesWorkOutsideItsOwnRequest() {
        String user = "Bearer " + SampleServer.tokenFor("it-client");
        assertThat(probe("/call/notes-propagated", user)).as("control: a JAX-RS request forwards its caller's token")
                .isEqualTo("forwarded:it-client");

        // requests that fail with an exception no mapper handles, then requests whose response is written by
        // another thread than the one that took them (the last ones to run on those pool threads)
        List<String> poisoning = new ArrayList<>();
        poisoning.addAll(concurrently(20, i -> probe("/async/throws", user)));
        poisoning.addAll(concurrently(80, i -> probe("/async", user)));
        assertThat(poisoning).as("the poisoning requests ran").contains("resumed");

        // then work that is not a JAX-RS request, on the same pool
        Map<String, Long> outcomes = concurrently(100, i -> probe("/servlet/propagated", null)).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(outcomes).as("100 servlet calls without a token of their own")
                .containsOnlyKeys("refused:NO_INCOMING_TOKEN").containsEntry("refused:NO_INCOMING_TOKEN", 100L);

        // the demo authorization server shares this server's threads with the waiting callers: one call gets the
        // fallback client's token first, as it would from an authorization server of its own
        assertThat(probe("/servlet/propagated?fallback=true", null)).isEqualTo("forwarded:probe-backend");
        assertThat(concurrently(20, i -> probe("/servlet/propagated?fallback=true", null)))
                .as("with the client-credentials fallback, the client's own token").containsOnly("forwarded:probe-backend");
        assertThat(probe("/call/notes-propagated", null)).as("a JAX-RS request without a token")
                .isEqualTo("refused:NO_INCOMING_TOKEN");
    }

    @Test
    void aTaskOfTheManagedExecutorThatARequestSubmitsGetsNoTokenOfItsCaller() {
        String caller = "Bearer caller-token-" + System.nanoTime();
        assertThat(probe("/task/propagated/liberty-task", caller))
                .as("Liberty's managed executor (concurrent-3.0) propagates the request's context, not its token")
                .isEqualTo("refused:NO_INCOMING_TOKEN");
        assertThat(received("liberty-task")).isEmpty();
    }

    @Test
    void aTokenNeverCrossesToAnotherOriginWhateverTheRedirectSetting() {
        SoftAssertions soft = new SoftAssertions();
        for (int status : REDIRECTS) {
            for (boolean follow : new boolean[] {true, false}) {
                String same = "same-" + status + "-" + follow;
                String sameOutcome = probe("/call/redirect/rest/" + follow + "/" + status + "/same/" + same, null);
                String other = "other-" + status + "-" + follow;
                String otherOutcome = probe("/call/redirect/rest/" + follow + "/" + status + "/other/" + other, null);
                if (follow) {
                    soft.assertThat(sameOutcome).as("%s same origin, followed", status).isEqualTo("status:200");
                    soft.assertThat(received(same)).as("%s same origin keeps the token", status)
                            .hasSize(1).doesNotContain("none");
                    soft.assertThat(otherOutcome).as("%s other origin, followed", status).isEqualTo("status:200");
                    soft.assertThat(received(other)).as("%s other origin gets no token", status)
                            .containsExactly("none");
                } else {
                    soft.assertThat(sameOutcome).as("%s not followed: the application's choice", status)
                            .isEqualTo("status:" + status);
                    soft.assertThat(received(same)).as("%s not followed", status).isEmpty();
                    soft.assertThat(otherOutcome).as("%s not followed", status).isEqualTo("status:" + status);
                    soft.assertThat(received(other)).as("%s not followed", status).isEmpty();
                }
            }
            String jaxrs = "jaxrs-other-" + status;
            soft.assertThat(probe("/call/redirect/jaxrs/false/" + status + "/other/" + jaxrs, null))
                    .as("%s plain JAX-RS client (does not follow redirects)", status).isEqualTo("status:" + status);
            soft.assertThat(received(jaxrs)).as("%s plain JAX-RS client", status).isEmpty();
        }
        soft.assertAll();
    }

    @Test
    void aFilterRegisteredThroughAnApplicationFeaturePutsNoTokenOnAHopToAnotherOrigin() {
        SoftAssertions soft = new SoftAssertions();
        for (int status : REDIRECTS) {
            String same = "feature-same-" + status;
            String other = "feature-other-" + status;
            soft.assertThat(probe("/call/redirect/feature/true/" + status + "/same/" + same, null))
                    .as("%s same origin, followed", status).isEqualTo("status:200");
            soft.assertThat(received(same)).as("%s same origin keeps the token", status).hasSize(1)
                    .doesNotContain("none");
            soft.assertThat(probe("/call/redirect/feature/true/" + status + "/other/" + other, null))
                    .as("%s other origin, followed", status).isEqualTo("status:200");
            soft.assertThat(received(other)).as("%s other origin gets no token", status).containsExactly("none");
        }
        soft.assertAll();
    }

    @Test
    void aStreamedBodyIsNotSentAgainOnA307ButReturnedToTheCaller() {
        assertThat(probe("/call/redirect-stream/307/same/stream-307", null)).isEqualTo("status:307");
        assertThat(received("stream-307")).isEmpty();
    }

    @Test
    void aRefusedTokenIsDroppedAndTheRequestReplayedOnceWithANewOne() {
        // only a token older than 5 s is dropped on a 401 (a younger one was just issued: a new one would not help)
        awaitTokenAge("/call/token-age");

        assertThat(probe("/call/unauthorized-once/rest/replay-rest", null)).as("Rest Client").isEqualTo("status:200");
        assertThat(probe("/call/unauthorized-once/jaxrs/replay-jaxrs", null)).as("JAX-RS client").isEqualTo("status:200");

        for (String id : List.of("replay-rest", "replay-jaxrs")) {
            List<String> received = received(id);
            assertThat(received).as(id + ": the refused token, then one new token").hasSize(2).doesNotContain("none");
            assertThat(received.get(1)).as(id + ": a new token").isNotEqualTo(received.get(0));
        }
    }

    @Test
    void anInterfacesClientAppliesToTheMethodsItInherits() {
        assertThat(probe("/call/inherited-replay/inherited", null)).as("read, create, own, replay, default")
                .isEqualTo("status:200 status:200 status:200 status:200 status:200");

        String replayToken = single("inherited-replay");
        String defaultToken = single("inherited-default");
        assertThat(replayToken).as("the two clients have tokens of their own").isNotEqualTo(defaultToken);
        assertThat(single("inherited-own")).as("a method of the annotated interface").isEqualTo(replayToken);
        assertThat(single("inherited-read")).as("a GET inherited from the generic interface").isEqualTo(replayToken);
        assertThat(single("inherited-create")).as("a POST inherited from the generic interface").isEqualTo(replayToken);
    }

    @Test
    void aDPoPClientSendsAProofOfItsOwnWithEveryRequestAndTakesAServicesNonce() {
        assertThat(probe("/call-dpop/twice/liberty", null)).as("two calls through a RESTEasy Rest Client")
                .isEqualTo("status:200 status:200");
        assertThat(probe("/dpop/received/liberty", null)).as("what the service saw")
                .isEqualTo("nonce-challenge,ok,ok");
    }

    @Test
    void aDPoPProofTheServiceRefusesIsReturnedAndTheTokenKept() {
        String id = "refuse-once-" + System.nanoTime();
        assertThat(probe("/call-dpop/once/" + id, null)).isEqualTo("status:200");
        // a token younger than 5 s is kept on any 401: only an older one shows that this refusal does not drop it
        awaitTokenAge("/call-dpop/token-age");

        assertThat(probe("/call-dpop/once/" + id, null)).as("the refusal, returned").isEqualTo("status:401");
        assertThat(probe("/call-dpop/once/" + id, null)).isEqualTo("status:200");
        assertThat(probe("/dpop/received/" + id, null)).isEqualTo("nonce-challenge,ok,proof-refused,ok");
        List<String> tokens = List.of(probe("/dpop/tokens/" + id, null).split(","));
        assertThat(tokens).as("the same token before and after the refused proof").hasSize(4)
                .containsOnly(tokens.get(0));
    }

    @Test
    void aPropagatingClientExchangesTheCallersTokenOnceAndSendsTheExchangedOne() {
        String caller = "Bearer caller-token-" + System.nanoTime();

        assertThat(probe("/call/exchange/exchanged", caller)).as("two calls through a RESTEasy Rest Client")
                .isEqualTo("status:200 status:200");
        List<String> received = received("/exchange/received/exchanged");
        assertThat(received).hasSize(2).allSatisfy(header -> assertThat(header)
                .startsWith("Bearer exchanged-for-probe-service-").isNotEqualTo(caller));
        assertThat(received.get(1)).as("the same exchanged token, cached").isEqualTo(received.get(0));
        assertThat(probe("/exchange/exchanges/" + caller.substring("Bearer ".length()), null))
                .as("exchanges of the caller's token").isEqualTo("1");
    }

    private static String single(String id) {
        List<String> received = received(id);
        assertThat(received).as(id).hasSize(1).doesNotContain("none");
        return received.get(0);
    }

    private static List<String> received(String id) {
        String body = probe(id.startsWith("/") ? id : "/target/received/" + id, null);
        return body.isEmpty() ? List.of() : List.of(body.split(","));
    }

    /** Makes the calls 16 at a time, so that they spread over the server's pool threads. */
    static List<String> concurrently(int calls, Function<Integer, String> call) {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<String>> all = IntStream.range(0, calls)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> call.apply(i), callers))
                    .collect(Collectors.toList());
            return all.stream().map(CompletableFuture::join).collect(Collectors.toList());
        } finally {
            callers.shutdown();
        }
    }

    static String probe(String path, String authorization) {
        return call("oauth-filter-probes", "/api" + path, authorization);
    }

    static String call(String application, String path, String authorization) {
        URI uri = URI.create("http://localhost:" + System.getProperty("http.port", "9080") + "/" + application
                + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "http:" + response.statusCode();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(uri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the token(s) the probe path reports the age of are older than 5.5 s (real time must pass). */
    private static void awaitTokenAge(String path) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Long.parseLong(probe(path, null)) < 5_500) {
            assertThat(Instant.now()).as("tokens aged 5.5 s").isBefore(deadline);
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
