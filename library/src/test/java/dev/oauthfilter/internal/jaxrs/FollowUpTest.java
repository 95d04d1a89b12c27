package dev.oauthfilter.internal.jaxrs;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientPolicy;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.internal.jaxrs.FollowUp.Kind;
import dev.oauthfilter.internal.jaxrs.FollowUp.Progress;
import dev.oauthfilter.internal.jaxrs.FollowUp.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of the response side, decided without HTTP: what comes after an answer, from what was sent, the answer,
 * the request and the budgets used. That the loop sends what is decided is proven over HTTP
 * ({@code OAuthClientFilter*Test}, {@code DPoP*Test}).
 */
class FollowUpTest {

    private static final URI ORIGIN = URI.create("https://api.example.com/api/notes");
    private static final String ELSEWHERE = "https://other.example.net/x";

    private final AccessToken bearer = token("Bearer");
    private final AccessToken dpop = token("DPoP");
    private final Provider provider = new Provider();

    /** The client's token source as the rules use it: what they drop and what nonces they remember. */
    private static final class Provider implements TokenProvider {
        final List<AccessToken> invalidated = new ArrayList<>();
        final Map<URI, String> nonces = new HashMap<>();
        boolean newTokenPossible = true;

        @Override
        public AccessToken token() {
            throw new AssertionError("deciding never asks for a token");
        }

        @Override
        public boolean invalidate(AccessToken rejected) {
            invalidated.add(rejected);
            return newTokenPossible;
        }

        @Override
        public boolean dpopNonce(URI target, String nonce) {
            nonces.put(target, nonce);
            return true;
        }
    }

    record Request(URI uri, String method, boolean hasEntity, boolean entityReplayable, boolean idempotent,
                   boolean authorized) implements FollowUp.Request {
    }

    record Reply(int status, Map<String, List<String>> fields) implements FollowUp.Reply {
        @Override
        public String header(String name) {
            List<String> values = fields.get(name);
            return values == null ? null : String.join(",", values);
        }

        @Override
        public List<String> headers(String name) {
            return fields.get(name);
        }
    }

    private static AccessToken token(String type) {
        return new AccessToken("t-" + type, type, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), null);
    }

    private Sent sent(AccessToken token) {
        return new Sent(token, provider, ClientPolicy.of(List.of(), true), true, null);
    }

    private Sent sent(AccessToken token, ClientPolicy policy, boolean followRedirects, String proofNonce) {
        return new Sent(token, provider, policy, followRedirects, proofNonce);
    }

    private static Request get() {
        return new Request(ORIGIN, "GET", false, true, true, true);
    }

    private static Request request(String method, boolean entityReplayable) {
        return new Request(ORIGIN, method, true, entityReplayable, !method.equals("POST"), true);
    }

    private static Reply reply(int status, String... headers) {
        Map<String, List<String>> fields = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            fields.computeIfAbsent(headers[i], name -> new ArrayList<>()).add(headers[i + 1]);
        }
        return new Reply(status, fields);
    }

    private static Reply redirect(int status, String location) {
        return reply(status, "Location", location);
    }

    private static Reply nonceChallenge(String nonce) {
        return reply(401, "WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"", "DPoP-Nonce", nonce);
    }

    private static Progress after(Step... steps) {
        Progress progress = Progress.START;
        for (Step step : steps) {
            progress = progress.after(step);
        }
        return progress;
    }

    private Step hop(Sent sent, Request request, Progress progress, int status, String location) {
        Step step = FollowUp.decide(sent, request, redirect(status, location), progress);
        assertThat(step.kind()).isEqualTo(Kind.REDIRECT);
        return step;
    }

    // ---- answers that need nothing

    @Test
    void anAnswerThatIsNeitherARefusalNorARedirectGoesToTheCaller() {
        assertThat(FollowUp.decide(sent(bearer), get(), reply(200), Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void a401ToARequestWithoutTheClientsTokenGoesToTheCaller() {
        assertThat(FollowUp.decide(Sent.NO_TOKEN_FOLLOWING, get(), reply(401), Progress.START)).isEqualTo(Step.DONE);
    }

    // ---- DPoP

    @Test
    void aDPoPNonceIsRememberedWhateverTheStatus() {
        assertThat(FollowUp.decide(sent(dpop), get(), reply(200, "DPoP-Nonce", "n1"), Progress.START))
                .isEqualTo(Step.DONE);
        assertThat(provider.nonces).containsExactly(Map.entry(ORIGIN, "n1"));
    }

    @Test
    void aBearerTokensAnswerHasNoNonceToRemember() {
        FollowUp.decide(sent(bearer), get(), reply(200, "DPoP-Nonce", "n1"), Progress.START);

        assertThat(provider.nonces).isEmpty();
    }

    @Test
    void aNonceChallengeIsSentOnceMoreWithTheSameTokenAndTheNonceRemembered() {
        Request put = request("PUT", true);

        Step step = FollowUp.decide(sent(dpop), put, nonceChallenge("n2"), Progress.START);

        assertThat(step).isEqualTo(new Step(Kind.NONCE_RETRY, ORIGIN, "PUT", true, true, true));
        assertThat(provider.nonces).containsEntry(ORIGIN, "n2");
        assertThat(provider.invalidated).as("the token is kept").isEmpty();
    }

    @Test
    void aNonceChallengeIsRetriedForARequestThatIsNotIdempotent() {
        Step step = FollowUp.decide(sent(dpop), request("POST", true), nonceChallenge("n2"), Progress.START);

        assertThat(step.kind()).isEqualTo(Kind.NONCE_RETRY);
    }

    @Test
    void aNonceChallengeWithTheNonceTheProofCarriedGoesToTheCallerAndKeepsTheToken() {
        Sent carryingN2 = sent(dpop, ClientPolicy.of(List.of(), true), true, "n2");

        assertThat(FollowUp.decide(carryingN2, get(), nonceChallenge("n2"), Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void aNonceChallengeWithoutANonceGoesToTheCallerAndKeepsTheToken() {
        Reply challenge = reply(401, "WWW-Authenticate", "Bearer realm=\"x\"",
                "WWW-Authenticate", "DPoP error = \"use_dpop_nonce\"");

        assertThat(FollowUp.decide(sent(dpop), get(), challenge, Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void aNonceChallengeToAnEntityThatCannotBeWrittenAgainGoesToTheCaller() {
        assertThat(FollowUp.decide(sent(dpop), request("PUT", false), nonceChallenge("n2"), Progress.START))
                .isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void aSecondNonceChallengeGoesToTheCaller() {
        Step retry = FollowUp.decide(sent(dpop), get(), nonceChallenge("n2"), Progress.START);

        assertThat(FollowUp.decide(sent(dpop), get(), nonceChallenge("n3"), after(retry))).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void aRefusedProofGoesToTheCallerAndKeepsTheToken() {
        Reply refused = reply(401, "WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\"");

        assertThat(FollowUp.decide(sent(dpop), get(), refused, Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void aDPoPTokenRefusedForAnotherReasonIsDroppedAndReplayed() {
        Reply refused = reply(401, "WWW-Authenticate", "DPoP error=\"invalid_token\"");

        assertThat(FollowUp.decide(sent(dpop), get(), refused, Progress.START).kind()).isEqualTo(Kind.REPLAY);
        assertThat(provider.invalidated).containsExactly(dpop);
    }

    // ---- 401: drop and replay once

    @Test
    void aRefusedTokenIsDroppedAndTheRequestReplayedOnceFromItsOwnTarget() {
        Step step = FollowUp.decide(sent(bearer), request("PUT", true), reply(401), Progress.START);

        assertThat(step).isEqualTo(new Step(Kind.REPLAY, ORIGIN, "PUT", true, true, true));
        assertThat(step.fallsBackToCurrent()).as("a failed replay gives the caller the 401").isTrue();
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void aRefusedTokenIsDroppedButNotReplayedWhenNoNewTokenCanBeHad() {
        provider.newTokenPossible = false;

        assertThat(FollowUp.decide(sent(bearer), get(), reply(401), Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void aRefusedTokenIsDroppedButNotReplayedWhenThePolicySaysNo() {
        Sent noReplay = sent(bearer, ClientPolicy.of(List.of(), false), true, null);

        assertThat(FollowUp.decide(noReplay, get(), reply(401), Progress.START)).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void aRequestThatIsNotIdempotentIsNotReplayed() {
        assertThat(FollowUp.decide(sent(bearer), request("POST", true), reply(401), Progress.START))
                .isEqualTo(Step.DONE);
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void aRequestWhoseEntityCannotBeWrittenAgainIsNotReplayed() {
        assertThat(FollowUp.decide(sent(bearer), request("PUT", false), reply(401), Progress.START))
                .isEqualTo(Step.DONE);
    }

    @Test
    void aSecondUnauthorizedGoesToTheCaller() {
        Step replay = FollowUp.decide(sent(bearer), get(), reply(401), Progress.START);

        assertThat(FollowUp.decide(sent(bearer), get(), reply(401), after(replay))).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).as("the new token is not dropped").containsExactly(bearer);
    }

    @Test
    void a401AfterASameOriginHopThatCarriedTheTokenIsReplayedAsIfItWereTheFirstAnswer() {
        Step first = hop(sent(bearer), get(), Progress.START, 302, "/api/moved");
        assertThat(first.authorized()).isTrue();

        Step step = FollowUp.decide(sent(bearer), get(), reply(401), after(first));

        assertThat(step).isEqualTo(new Step(Kind.REPLAY, ORIGIN, "GET", true, true, true));
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void a401AfterAHopWithoutTheTokenGoesToTheCallerAndKeepsTheToken() {
        Step away = hop(sent(bearer), get(), Progress.START, 302, ELSEWHERE);

        assertThat(FollowUp.decide(sent(bearer), get(), reply(401), after(away))).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    @Test
    void a401AfterTheHopsOfAReplayGoesToTheCaller() {
        Step replay = FollowUp.decide(sent(bearer), get(), reply(401), Progress.START);
        Step next = hop(sent(bearer), get(), after(replay), 302, "/api/moved");

        assertThat(FollowUp.decide(sent(bearer), get(), reply(401), after(replay, next))).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).containsExactly(bearer);
    }

    @Test
    void a401AfterTheHopsOfANonceRetryGoesToTheCallerAndKeepsTheToken() {
        Step retry = FollowUp.decide(sent(dpop), get(), nonceChallenge("n2"), Progress.START);
        Step next = hop(sent(dpop), get(), after(retry), 307, "/api/moved");

        assertThat(FollowUp.decide(sent(dpop), get(), reply(401), after(retry, next))).isEqualTo(Step.DONE);
        assertThat(provider.invalidated).isEmpty();
    }

    // ---- redirects

    @Test
    void aRedirectGoesToTheCallerWhenTheApplicationTurnedRedirectsOff() {
        Sent staying = sent(bearer, ClientPolicy.of(List.of(), true), false, null);

        assertThat(FollowUp.decide(staying, get(), redirect(302, "/api/new"), Progress.START)).isEqualTo(Step.DONE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 303})
    void aRedirectThatChangesTheMethodMakesItAGetWithoutTheEntity(int status) {
        Step step = hop(sent(bearer), request("POST", false), Progress.START, status, "/api/new");

        assertThat(step).isEqualTo(new Step(Kind.REDIRECT, URI.create("https://api.example.com/api/new"), "GET",
                false, true, true));
    }

    @Test
    void aHeadStaysAHead() {
        Request head = new Request(ORIGIN, "HEAD", false, true, true, true);

        assertThat(hop(sent(bearer), head, Progress.START, 303, "/api/new").method()).isEqualTo("HEAD");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {307, 308})
    void aRedirectThatKeepsTheMethodKeepsTheEntity(int status) {
        Step step = hop(sent(bearer), request("POST", true), Progress.START, status, "/api/new");

        assertThat(step.method()).isEqualTo("POST");
        assertThat(step.withEntity()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {307, 308})
    void aRedirectThatWouldWriteAnEntityAgainThatCannotBeGoesToTheCaller(int status) {
        assertThat(FollowUp.decide(sent(bearer), request("PUT", false), redirect(status, "/api/new"), Progress.START))
                .isEqualTo(Step.DONE);
    }

    @Test
    void anEntityDroppedByAnEarlierHopIsNotAskedForAgain() {
        Request streamed = request("POST", false);
        Step seeOther = hop(sent(bearer), streamed, Progress.START, 303, "/api/result");

        Step step = hop(sent(bearer), streamed, after(seeOther), 307, "/api/final");

        assertThat(step.method()).isEqualTo("GET");
        assertThat(step.withEntity()).isFalse();
    }

    @Test
    void aRedirectWithoutAUsableLocationGoesToTheCaller() {
        assertThat(FollowUp.decide(sent(bearer), get(), reply(302), Progress.START)).isEqualTo(Step.DONE);
        assertThat(FollowUp.decide(sent(bearer), get(), redirect(302, " "), Progress.START)).isEqualTo(Step.DONE);
        assertThat(FollowUp.decide(sent(bearer), get(), redirect(302, "http://[bad"), Progress.START))
                .isEqualTo(Step.DONE);
        assertThat(FollowUp.decide(sent(bearer), get(), redirect(302, "mailto:a@example.com"), Progress.START))
                .isEqualTo(Step.DONE);
    }

    @Test
    void aRelativeLocationIsResolvedAgainstTheLastHop() {
        Step first = hop(sent(bearer), get(), Progress.START, 302, "/v2/notes/");

        Step second = hop(sent(bearer), get(), after(first), 302, "latest");

        assertThat(second.target()).isEqualTo(URI.create("https://api.example.com/v2/notes/latest"));
    }

    @Test
    void theTokenGoesAlongOnlyWhileEveryHopStaysOnTheOrigin() {
        Step away = hop(sent(bearer), get(), Progress.START, 302, ELSEWHERE);
        Step back = hop(sent(bearer), get(), after(away), 302, ORIGIN.toString());

        assertThat(away.authorized()).isFalse();
        assertThat(away.sameOrigin()).as("cookies stay behind too").isFalse();
        assertThat(back.authorized()).as("back on the origin, after leaving it").isFalse();
        assertThat(back.sameOrigin()).isFalse();
    }

    @Test
    void anotherPortOrSchemeIsAnotherOrigin() {
        assertThat(hop(sent(bearer), get(), Progress.START, 302, "https://api.example.com:8443/api").authorized())
                .isFalse();
        assertThat(hop(sent(bearer), get(), Progress.START, 302, "http://api.example.com/api").authorized())
                .isFalse();
    }

    @Test
    void theClientsTokenGoesOnlyToTargetsItsPolicyAllows() {
        Sent underApi = sent(bearer, ClientPolicy.of(List.of("https://api.example.com/api"), true), true, null);

        assertThat(hop(underApi, get(), Progress.START, 302, "/api/other").authorized()).isTrue();
        assertThat(hop(underApi, get(), Progress.START, 302, "/admin").authorized()).isFalse();
    }

    @Test
    void theApplicationsOwnAuthorizationGoesAlongOnTheOriginOnly() {
        Sent noToken = new Sent(null, null, ClientPolicy.of(List.of("elsewhere.example.org"), false), true, null);

        assertThat(hop(noToken, get(), Progress.START, 302, "/admin").authorized()).as("whatever the policy").isTrue();
        assertThat(hop(noToken, get(), Progress.START, 302, ELSEWHERE).authorized()).isFalse();
    }

    @Test
    void aRequestThatLeftWithoutAuthorizationHasNoneToCarry() {
        Request bare = new Request(ORIGIN, "GET", false, true, true, false);

        assertThat(hop(Sent.NO_TOKEN_FOLLOWING, bare, Progress.START, 302, "/api/new").authorized()).isFalse();
    }

    @Test
    void aDPoPTokenGoesAlongWithANewProofEvenIfTheHeaderWasTakenOffByAnotherFilter() {
        Request bare = new Request(ORIGIN, "GET", false, true, true, false);

        assertThat(hop(sent(dpop), bare, Progress.START, 302, "/api/new").authorized()).isTrue();
    }

    @Test
    void aReplayThatIsRedirectedIsFollowedWithTheNewToken() {
        Step replay = FollowUp.decide(sent(bearer), get(), reply(401), Progress.START);

        Step step = hop(sent(bearer), get(), after(replay), 302, "/api/moved");

        assertThat(step.authorized()).isTrue();
    }

    @Test
    void aNonceRetryThatIsRedirectedIsFollowed() {
        Step retry = FollowUp.decide(sent(dpop), get(), nonceChallenge("n2"), Progress.START);

        assertThat(hop(sent(dpop), get(), after(retry), 308, "/api/moved").authorized()).isTrue();
    }

    @Test
    void aReplayThatIsRedirectedGoesToTheCallerWhenTheApplicationTurnedRedirectsOff() {
        Sent staying = sent(bearer, ClientPolicy.of(List.of(), true), false, null);
        Step replay = FollowUp.decide(staying, get(), reply(401), Progress.START);

        assertThat(FollowUp.decide(staying, get(), redirect(302, "/api/new"), after(replay))).isEqualTo(Step.DONE);
    }

    // ---- budgets

    @Test
    void atMostFiveHopsAreFollowedAndTheFifthRedirectGoesToTheCaller() {
        Progress progress = Progress.START;
        for (int hop = 1; hop <= FollowUp.MAX_HOPS; hop++) {
            progress = progress.after(hop(sent(bearer), get(), progress, 302, "/api/" + hop));
        }

        assertThat(progress.hops()).isEqualTo(5);
        assertThat(FollowUp.decide(sent(bearer), get(), redirect(302, "/api/6"), progress)).isEqualTo(Step.DONE);
    }

    @Test
    void aReplayAfterHopsHasAHopBudgetOfItsOwn() {
        Progress progress = Progress.START;
        for (int hop = 1; hop <= FollowUp.MAX_HOPS; hop++) {
            progress = progress.after(hop(sent(bearer), get(), progress, 302, "/api/" + hop));
        }
        Step replay = FollowUp.decide(sent(bearer), get(), reply(401), progress);
        assertThat(replay.kind()).isEqualTo(Kind.REPLAY);

        Step step = hop(sent(bearer), get(), progress.after(replay), 302, "/api/again");

        assertThat(step.target()).isEqualTo(URI.create("https://api.example.com/api/again"));
        assertThat(progress.after(replay).after(step).hops()).isEqualTo(1);
    }

    @Test
    void aRedirectLoopEndsAfterTheHopBudget() {
        Progress progress = Progress.START;
        int hops = 0;
        Step next = FollowUp.decide(sent(bearer), get(), redirect(302, "/api/loop"), progress);
        // bounded, so that a missing budget fails here rather than looping for ever
        while (next.kind() != Kind.DONE && hops <= FollowUp.MAX_HOPS) {
            progress = progress.after(next);
            hops++;
            next = FollowUp.decide(sent(bearer), get(), redirect(302, "/api/loop"), progress);
        }

        assertThat(hops).isEqualTo(5);
        assertThat(next).isEqualTo(Step.DONE);
    }
}
