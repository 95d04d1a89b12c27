package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ClientKey;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.Secret;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.DPoPVerifier;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.JCacheFleet;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TestKeys;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.cache.Cache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fleet conformance scenarios, run on each JCache engine the library names (one small subclass per engine:
 * embedded Hazelcast members, Hazelcast clients of a member cluster, embedded Infinispan members; and an in-memory
 * JCache, which mutation testing can run), each replica with its own cache manager and its own {@link TokenCache}:
 * one token request per token lifetime for the whole fleet,
 * adoption by replicas that join late, a lease whose holder died taken over, a store that fails left behind, a failed
 * fetch shared for its cooldown, a refused token dropped fleet-wide, a shared entry that leaves the store with its
 * token, DPoP-bound tokens shared only when bound to a configured key, and nothing readable in the shared caches.
 */
abstract class FleetTokenSharingTest {

    static final String CLIENT_ID = "fleet-client";
    static final String SECRET = "fleet-secret-4242";
    static final Duration LIFETIME = Duration.ofHours(1);

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    final FakeTokenServer server = fixture.server();
    final MutableClock clock = fixture.clock();

    /**
     * @return the engine's fleet that this class's tests share: a static extension of the subclass, which empties
     *         the caches after each test
     */
    abstract JCacheFleet fleet();

    /**
     * @param which 0 or 1: each of the two tests that kill a replica gets a fleet of its own, so that a dead replica
     *              slows no other test down
     * @return a fleet of its own, for the test to close
     */
    abstract JCacheFleet separateFleet(int which);

    OAuthClientConfig config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET)
                .refreshBefore(Duration.ofMinutes(5)).maxAttempts(1).build();
    }

    TokenProvider member(int index, ManualExecutor refreshes) {
        return fixture.newCache(settings -> settings.sharedVia(fleet().manager(index)).executor(refreshes))
                .provider(config());
    }

    @Test
    void threeMembersWithManyThreadsEachMakeOneTokenRequestBetweenThem() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        List<TokenProvider> members = List.of(member(0, new ManualExecutor()), member(1, new ManualExecutor()),
                member(2, new ManualExecutor()));
        int threadsPerMember = 8;
        ExecutorService callers = Executors.newFixedThreadPool(members.size() * threadsPerMember);
        CountDownLatch start = new CountDownLatch(1);
        Set<String> served = ConcurrentHashMap.newKeySet();
        List<Future<?>> calls = new ArrayList<>();
        try {
            for (TokenProvider member : members) {
                for (int t = 0; t < threadsPerMember; t++) {
                    calls.add(callers.submit(() -> {
                        start.await();
                        served.add(member.token().value());
                        return null;
                    }));
                }
            }
            // the first request is held at the server: every other member then finds the lease taken
            server.holdResponses();
            start.countDown();
            assertThat(server.awaitTokenRequests(1, 30)).as("one member's request arrived").isTrue();
            assertThat(server.awaitTokenRequests(1, 1)).as("a second request while the first is in flight").isFalse();
            server.releaseResponses();
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
        } finally {
            server.releaseResponses();
            callers.shutdownNow();
        }

        assertThat(server.tokenRequestCount()).as("token requests for 3 members x 8 threads").isEqualTo(1);
        assertThat(served).as("every caller of every member got the one token").hasSize(1);
    }

    @Test
    void overSeveralLifetimesTheFleetMakesOneRequestPerLifetime() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        List<ManualExecutor> refreshes = List.of(new ManualExecutor(), new ManualExecutor(), new ManualExecutor());
        List<TokenProvider> members = new ArrayList<>();
        for (int i = 0; i < refreshes.size(); i++) {
            members.add(member(i, refreshes.get(i)));
        }
        int lifetimes = 4;
        // the first lifetime: no token yet, each member's first call fetches (inline) or adopts
        String previous = oneTokenServedBy(members, 0);
        refreshes.forEach(ManualExecutor::hold);
        for (int lifetime = 1; lifetime < lifetimes; lifetime++) {
            // into the refresh window (refresh-before 5 min, up to 10% jitter earlier), not expired
            clock.advance(LIFETIME.minus(Duration.ofMinutes(4)));
            for (TokenProvider member : members) {
                assertThat(member.token().value()).as("the stale token is still served").isEqualTo(previous);
            }
            assertThat(refreshes).as("one refresh pending per member").allSatisfy(r ->
                    assertThat(r.pending()).isEqualTo(1));
            refreshes.forEach(ManualExecutor::runAll);
            String current = oneTokenServedBy(members, lifetime);
            assertThat(current).as("lifetime %d: a new token", lifetime).isNotEqualTo(previous);
            previous = current;
        }

        assertThat(server.tokenRequestCount()).as("token requests over %d lifetimes, 3 members", lifetimes)
                .isEqualTo(lifetimes);
    }

    private static String oneTokenServedBy(List<TokenProvider> members, int lifetime) {
        Set<String> current = ConcurrentHashMap.newKeySet();
        members.forEach(member -> current.add(member.token().value()));
        assertThat(current).as("lifetime %d: all members serve one token", lifetime).hasSize(1);
        return current.iterator().next();
    }

    @Test
    void aMemberThatJoinsMidLifetimeAdoptsTheCurrentToken() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        String first = member(0, new ManualExecutor()).token().value();
        clock.advance(Duration.ofMinutes(20));

        TokenProvider joined = fixture.newCache(settings -> settings.sharedVia(fleet().start())
                .executor(new ManualExecutor())).provider(config());

        assertThat(joined.token().value()).isEqualTo(first);
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aLeaseWhoseHolderDiedIsTakenOverAndTheCallerStillGetsAToken() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // a fleet of its own: a killed member must not slow the other tests' fleet down
        try (JCacheFleet pair = separateFleet(0)) {
            TokenProvider survivor = fixture.newCache(settings -> settings.sharedVia(pair.manager(0))
                    .sharedStoreTimeout(Duration.ofSeconds(10)).executor(new ManualExecutor())).provider(config());
            TokenProvider dying = fixture.newCache(settings -> settings.sharedVia(pair.manager(1))
                    .sharedLeaseTime(Duration.ofSeconds(5)).executor(new ManualExecutor())).provider(config());
            server.holdResponses();
            // the doomed member takes the lease and its request hangs at the server; then the member dies
            Future<AccessToken> doomedCall = threads.submit(dying::token);
            assertThat(server.awaitTokenRequests(1, 30)).as("the doomed member's request arrived").isTrue();
            pair.kill(1);

            Future<AccessToken> survivorCall = threads.submit(survivor::token);
            // the survivor waits on the dead member's lease until it runs out by the clock, then takes it over
            clock.advance(Duration.ofSeconds(6));
            // within 4 s: the lease ran out by the clock; the cache would drop it only after 10 s, and the survivor
            // would give up waiting only after 15 s (half its acquisition timeout)
            assertThat(server.awaitTokenRequests(1, 4)).as("the survivor's own request arrived").isTrue();
            server.releaseResponses();
            AccessToken token = survivorCall.get(30, TimeUnit.SECONDS);

            assertThat(token.expiresAt()).isAfter(clock.instant());
            assertThat(server.tokenRequestCount()).as("the dead member's request and the survivor's").isEqualTo(2);
            assertThat(fixture.logs().lines()).as("the survivor took the lease over, it did not give up the fleet")
                    .noneMatch(line -> line.contains("client 'default'") && line.contains("without the fleet")
                            && line.contains("did not answer"));
            // the dead member's own caller still gets the token its request brought
            assertThat(doomedCall.get(30, TimeUnit.SECONDS).expiresAt()).isAfter(clock.instant());
        } finally {
            server.releaseResponses();
            threads.shutdownNow();
        }
    }

    @Test
    void whenTheStoreFailsMembersFetchTheirOwnTokensAndSayItOnce() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        try (JCacheFleet lonely = separateFleet(1)) {
            TokenProvider alone = fixture.newCache(settings -> settings.sharedVia(lonely.manager(0))
                    .sharedStoreTimeout(Duration.ofMillis(300)).executor(new ManualExecutor())).provider(config());
            lonely.kill(0);

            AccessToken token = alone.token();
            clock.advance(LIFETIME);
            AccessToken next = alone.token();

            assertThat(token.expiresAt()).isAfter(clock.instant().minus(LIFETIME));
            assertThat(next.expiresAt()).isAfter(clock.instant());
            assertThat(server.tokenRequestCount()).isEqualTo(2);
            assertThat(fixture.logs().lines()).filteredOn(line -> line.startsWith("WARNING"))
                    .singleElement().satisfies(line -> assertThat(line).contains("client 'default'")
                            .contains("without the fleet"));
        }
    }

    @Test
    void aFailedFetchIsSharedByTheWholeFleetForItsCooldown() {
        server.respond(request -> Reply.json(401, "{\"error\":\"invalid_client\"}"));
        List<TokenProvider> members = List.of(member(0, new ManualExecutor()), member(1, new ManualExecutor()),
                member(2, new ManualExecutor()));

        for (TokenProvider member : members) {
            assertThatThrownBy(member::token).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(e.code()).isEqualTo("TOKEN_ENDPOINT_ERROR"));
        }
        assertThat(server.tokenRequestCount()).as("one member asked; the others share its failure").isEqualTo(1);

        // after the cooldown (failure-cooldown, 2 s by default) the fleet asks again, once
        server.issueTokensLasting(LIFETIME.toSeconds());
        clock.advance(Duration.ofSeconds(3));
        Set<String> served = ConcurrentHashMap.newKeySet();
        members.forEach(member -> served.add(member.token().value()));
        assertThat(served).hasSize(1);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsDroppedForTheWholeFleet() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        TokenProvider first = member(0, new ManualExecutor());
        TokenProvider second = member(1, new ManualExecutor());
        AccessToken refused = first.token();
        AccessToken secondsCopy = second.token();
        assertThat(secondsCopy.value()).isEqualTo(refused.value());
        clock.advance(Duration.ofSeconds(10));

        assertThat(first.invalidate(refused)).as("a new token is possible").isTrue();
        String replacement = first.token().value();

        assertThat(replacement).isNotEqualTo(refused.value());
        assertThat(server.tokenRequestCount()).isEqualTo(2);
        TokenSeal seal = TokenSeal.of(config()).orElseThrow();
        Map<String, String> held = fleet().awaitEntries(1, SharedStore.TOKENS, entries -> entries.values().stream()
                .anyMatch(sealed -> seal.open(sealed).map(t -> t.value().equals(replacement)).orElse(false)));
        assertThat(held.values()).as("what the fleet holds")
                .extracting(sealed -> seal.open(sealed).map(AccessToken::value).orElse("unreadable"))
                .containsExactly(replacement);
        // the second member is refused the same token a moment later: it drops its copy, not the replacement
        assertThat(second.invalidate(secondsCopy)).isTrue();
        assertThat(second.token().value()).as("the second member adopts the replacement").isEqualTo(replacement);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aSharedTokenLeavesTheStoreWhenItExpires() throws Exception {
        // the store expires entries by its own (real) clock: a token of 2 s, not one of an hour
        server.issueTokensLasting(2);
        String name = TokenSeal.of(config()).orElseThrow().entryName();
        Instant fetched = Instant.now();
        member(0, new ManualExecutor()).token();
        assertThat(fleet().awaitEntries(1, SharedStore.TOKENS, entries -> entries.containsKey(name)))
                .as("the token published").containsKey(name);

        Cache<String, String> tokens = fleet().cache(1, SharedStore.TOKENS);
        Instant deadline = fetched.plusSeconds(12);
        while (tokens.containsKey(name) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(tokens.get(name)).as("the entry of a token that expired %s ago",
                Duration.between(fetched.plusSeconds(2), Instant.now())).isNull();
    }

    @Test
    void theSharedCachesHoldNoTokenSecretOrClientIdInAnyForm() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        String token = member(0, new ManualExecutor()).token().value();
        Map<String, String> tokens = fleet().awaitEntries(1, SharedStore.TOKENS, entries -> !entries.isEmpty());
        assertThat(tokens).hasSize(1);

        List<String> stored = new ArrayList<>();
        for (String cache : List.of(SharedStore.TOKENS, SharedStore.LEASES)) {
            fleet().entries(1, cache).forEach((name, value) -> {
                stored.add(name);
                stored.add(value);
            });
        }
        for (String text : stored) {
            for (String forbidden : List.of(token, SECRET, CLIENT_ID, base64(token), base64(SECRET),
                    base64(CLIENT_ID), base64(CLIENT_ID + ":" + SECRET))) {
                assertThat(text).doesNotContain(forbidden);
            }
            assertThat(decodedBase64(text)).doesNotContain(token).doesNotContain(SECRET).doesNotContain(CLIENT_ID);
        }
    }

    @Test
    void dpopBoundTokensAreNeverShared() {
        server.issueTokensLasting(LIFETIME.toSeconds());
        OAuthClientConfig dpop = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientSecret(SECRET).dpop(true).build();

        for (int member = 0; member < 2; member++) {
            int index = member;
            fixture.newCache(settings -> settings.sharedVia(fleet().manager(index)).executor(new ManualExecutor()))
                    .provider(dpop).token();
        }

        assertThat(server.tokenRequestCount()).as("each replica's token is bound to its own key").isEqualTo(2);
        assertThat(fleet().entries(0, SharedStore.TOKENS)).isEmpty();
        assertThat(fixture.logs().lines()).anyMatch(line -> line.contains("bound to this replica's own DPoP key"));
    }

    private static ClientKey dpopKey(String name) throws Exception {
        Path store = Files.createTempFile("fleet-dpop-" + name, ".p12");
        Files.delete(store);
        try {
            TestKeys.ecKeyStore(store, "fleet-dpop-" + name, "fleet-dpop-pw");
            return ClientKey.fromKeyStore(store, Secret.of("fleet-dpop-pw"), null, "PKCS12");
        } finally {
            Files.deleteIfExists(store);
        }
    }

    /** A token endpoint that binds a token to the key of the request's proof (DPoP), or issues Bearer without one. */
    private Map<String, String> bindingTokenEndpoint(DPoPVerifier verifier) {
        Map<String, String> boundTo = new ConcurrentHashMap<>();
        server.respond(request -> {
            String token = server.newToken();
            String proof = request.header("DPoP");
            if (proof != null) {
                boundTo.put(token, verifier.verify(proof, "POST", server.uri("/token"), null).jkt);
            }
            return Reply.json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\""
                    + (proof != null ? "DPoP" : "Bearer") + "\",\"expires_in\":" + LIFETIME.toSeconds() + "}");
        });
        return boundTo;
    }

    private TokenProvider member(int index, OAuthClientConfig config) {
        return fixture.newCache(settings -> settings.sharedVia(fleet().manager(index)).executor(new ManualExecutor()))
                .provider(config);
    }

    private OAuthClientConfig.Builder dpopConfig() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET);
    }

    @Test
    void dpopTokensBoundToAConfiguredKeyAreSharedAndEachMemberProvesWithThatKey() throws Exception {
        DPoPVerifier verifier = new DPoPVerifier(clock);
        Map<String, String> boundTo = bindingTokenEndpoint(verifier);
        OAuthClientConfig keyed = dpopConfig().dpopKey(dpopKey("shared")).build();

        List<AccessToken> tokens = new ArrayList<>();
        List<String> proofKeys = new ArrayList<>();
        for (int member = 0; member < 3; member++) {
            TokenProvider provider = member(member, keyed);
            AccessToken token = provider.token();
            tokens.add(token);
            String proof = provider.authorization("GET", server.uri("/api")).headers().get("DPoP");
            proofKeys.add(verifier.verify(proof, "GET", server.uri("/api"), token.value()).jkt);
        }

        assertThat(server.tokenRequestCount()).as("one token for three members holding the key").isEqualTo(1);
        assertThat(tokens).extracting(AccessToken::value).containsOnly(tokens.get(0).value());
        assertThat(tokens).extracting(AccessToken::tokenType).containsOnly("DPoP");
        assertThat(proofKeys).as("every member proves with the key the token is bound to")
                .containsOnly(boundTo.get(tokens.get(0).value()));
    }

    @Test
    void aTokenBoundToAConfiguredKeyIsNeverAdoptedByAMemberWithAnotherKeyOrNone() throws Exception {
        DPoPVerifier verifier = new DPoPVerifier(clock);
        Map<String, String> boundTo = bindingTokenEndpoint(verifier);

        AccessToken first = member(0, dpopConfig().dpopKey(dpopKey("first")).build()).token();
        fleet().awaitEntries(0, SharedStore.TOKENS, found -> !found.isEmpty());
        TokenProvider otherKey = member(1, dpopConfig().dpopKey(dpopKey("other")).build());
        AccessToken second = otherKey.token();
        AccessToken bearer = member(2, dpopConfig().build()).token();
        AccessToken ownKey = member(0, dpopConfig().dpop(true).build()).token();

        assertThat(server.tokenRequestCount()).as("each a token of its own").isEqualTo(4);
        assertThat(List.of(second.value(), bearer.value(), ownKey.value())).doesNotContain(first.value());
        assertThat(bearer.tokenType()).isEqualTo("Bearer");
        String proof = otherKey.authorization("GET", server.uri("/api")).headers().get("DPoP");
        assertThat(verifier.verify(proof, "GET", server.uri("/api"), second.value()).jkt)
                .isEqualTo(boundTo.get(second.value())).isNotEqualTo(boundTo.get(first.value()));
    }

    @Test
    void aMemberWithAnotherSecretCannotReadOrForgeTheFleetsToken() throws Exception {
        server.issueTokensLasting(LIFETIME.toSeconds());
        member(0, new ManualExecutor()).token();
        Map<String, String> entries = fleet().awaitEntries(0, SharedStore.TOKENS, found -> !found.isEmpty());
        OAuthClientConfig impostor = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .clientSecret("another-secret").build();
        TokenSeal theirs = TokenSeal.of(impostor).orElseThrow();
        TokenSeal ours = TokenSeal.of(config()).orElseThrow();

        assertThat(entries).containsOnlyKeys(ours.entryName());
        assertThat(theirs.entryName()).as("another credential, another entry").isNotEqualTo(ours.entryName());
        String sealed = entries.get(ours.entryName());
        assertThat(theirs.open(sealed)).as("opened with another secret").isEmpty();
        String altered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
        assertThat(ours.open(altered)).as("an altered entry").isEmpty();
        assertThat(ours.open(sealed)).as("the fleet's own seal").isPresent();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodedBase64(String text) {
        int dot = text.indexOf('.');
        String payload = dot >= 0 ? text.substring(dot + 1) : text;
        try {
            return new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }
}
