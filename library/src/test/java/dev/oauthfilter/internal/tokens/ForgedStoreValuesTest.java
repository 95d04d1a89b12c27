package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.testing.Eventually;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.testing.ManualExecutor;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whoever can write the shared caches without the client's credential (another client of the cluster) can at worst
 * make a replica fetch its own token: forged leases, cooldowns and tokens, values of 100 MB and garbage are not
 * believed, and a wait read from the store never outlasts {@code max-retry-after} or the marker's life in the store.
 * A failure that belongs to one replica is not shared with the fleet. Against an in-memory JCache ({@link SlowJCache}
 * without latency), the writer being the test.
 */
class ForgedStoreValuesTest {

    private static final String CLIENT_ID = "trusted-fleet";
    private static final String SECRET = "trust-secret-0517";
    private static final long FAR_FUTURE = Long.MAX_VALUE;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final SlowJCache store = new SlowJCache();

    private OAuthClientConfig config() {
        return settings().build();
    }

    private OAuthClientConfig.Builder settings() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET)
                .acquisitionTimeout(Duration.ofSeconds(4)).refreshBefore(Duration.ofMinutes(5)).maxAttempts(1);
    }

    private TokenProvider member() {
        return fixture.newCache(b -> b.sharedVia(store.manager()).executor(new ManualExecutor())).provider(config());
    }

    private String entryName() {
        return TokenSeal.of(config()).orElseThrow().entryName();
    }

    private Map<String, String> cache(String name) {
        return store.caches.computeIfAbsent(name, k -> new ConcurrentHashMap<>());
    }

    @Test
    void aForgedCooldownDoesNotStopAReplica() {
        server.issueTokensLasting(3600);
        int requests = 0;
        for (String code : new String[]{"MISSING_CLIENT_ID:0", "TOKEN_ENDPOINT_ERROR:1"}) {
            cache(SharedStore.TOKENS).clear();
            cache(SharedStore.LEASES).put(entryName(), "cooldown:" + code + "@" + FAR_FUTURE);

            AccessToken token = member().token();

            assertThat(token.expiresAt()).isAfter(clock.instant());
            assertThat(server.tokenRequestCount()).as("the replica fetched its own despite %s", code)
                    .isEqualTo(++requests);
            // published in the background: cleared after it lands
            assertThat(cacheEventually(SharedStore.TOKENS, entryName(), sealed -> true)).isNotNull();
        }
    }

    @Test
    void aForgedLeaseIsTakenOverAtOnceAndTheTokenStillReachesTheFleet() {
        server.issueTokensLasting(3600);
        String name = entryName();
        // what a plain lease looked like, and one that looks signed: neither is signed with the fleet's key
        cache(SharedStore.LEASES).put(name, "lease:someone@" + FAR_FUTURE + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        AccessToken token = member().token();

        assertThat(server.tokenRequestCount()).isEqualTo(1);
        // the replica held the lease (a fetch without it publishes nothing): the fleet has its token
        TokenSeal seal = TokenSeal.of(config()).orElseThrow();
        assertThat(cacheEventually(SharedStore.TOKENS, name, sealed -> true)).as("the published token")
                .satisfies(sealed -> assertThat(seal.open(sealed)).map(AccessToken::value).contains(token.value()));
    }

    @Test
    void forgedGarbageAndHugeTokenEntriesMakeAReplicaFetchItsOwn() {
        server.issueTokensLasting(3600);
        String name = entryName();
        TokenSeal seal = TokenSeal.of(config()).orElseThrow();
        String[] forgeries = {"garbage", "s1.", "s1.%%%", "s1." + "A".repeat(64), "s1." + "A".repeat(100_000_000)};
        for (String forged : forgeries) {
            cache(SharedStore.TOKENS).put(name, forged);
            cache(SharedStore.LEASES).clear();
            int before = server.tokenRequestCount();

            AccessToken token = member().token();

            assertThat(token.expiresAt()).isAfter(clock.instant());
            assertThat(server.tokenRequestCount()).as("a token of its own for a forged entry of %d characters",
                    forged.length()).isEqualTo(before + 1);
            // published in the background: the next forgery goes in after it
            assertThat(cacheEventually(SharedStore.TOKENS, name, sealed -> seal.open(sealed)
                    .map(published -> published.value().equals(token.value())).orElse(false))).isNotNull();
        }
    }

    @Test
    void aSignedCooldownIsCappedAtTheMarkersLifeInTheStoreAndAtMaxRetryAfter() {
        OAuthClientConfig config = config();
        TokenSeal seal = TokenSeal.of(config).orElseThrow();
        Duration leaseTime = Duration.ofSeconds(5);
        SharedStore shared = new SharedStore(store.manager(), Duration.ofSeconds(2), leaseTime);
        try {
            // a member holding the credential, whose clock is far ahead, wrote a cooldown that never ends
            cache(SharedStore.LEASES).put(seal.entryName(),
                    seal.sign("cooldown:TOKEN_ENDPOINT_ERROR:1@" + clock.millis() + "@" + FAR_FUTURE));
            SharedStore.Lease lease = shared.lease(seal, clock.millis(), System.nanoTime() + 2_000_000_000L);

            assertThat(lease.taken).isFalse();
            assertThat(lease.cooldownCode()).contains("TOKEN_ENDPOINT_ERROR:1");
            assertThat(lease.until() - clock.millis()).as("the wait read from the store")
                    .isEqualTo(2 * leaseTime.toMillis());

            OAuthClientConfig patient = settings().maxRetryAfter(Duration.ofSeconds(3)).build();
            SharedTokenSource source = new SharedTokenSource(patient, new FleetSeals(patient), shared, timeout -> {
                        throw new AssertionError("no fetch during a cooldown");
                    }, clock);
            assertThatThrownBy(() -> source.fetch(Duration.ofSeconds(4))).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(e.retryAfter()).as("capped at max-retry-after").contains(Duration.ofSeconds(3)));
        } finally {
            shared.close();
        }
    }

    @Test
    void anAuthenticMarkerPutBackAfterTheStoreDroppedItIsNotBelieved() {
        server.issueTokensLasting(3600);
        TokenSeal seal = TokenSeal.of(config()).orElseThrow();
        // a real cooldown of a minute ago (a 503 with Retry-After: 300), copied by a cache writer and put back after
        // the store expired it (twice the lease time: 10 s)
        long written = clock.millis() - 60_000;
        cache(SharedStore.LEASES).put(seal.entryName(),
                seal.sign("cooldown:TOKEN_ENDPOINT_ERROR:1@" + written + "@" + (written + 300_000)));

        assertThat(member().token().expiresAt()).isAfter(clock.instant());
        assertThat(server.tokenRequestCount()).as("the replica fetched its own").isEqualTo(1);
    }

    @Test
    void anOlderAuthenticTokenPutBackAfterANewerOneWasRefusedIsNotAdopted() {
        OAuthClientConfig config = config();
        TokenSeal seal = TokenSeal.of(config).orElseThrow();
        AccessToken older = new AccessToken("older-revoked", "Bearer", clock.instant(),
                clock.instant().plusSeconds(3600), null);
        // what a cache writer read from the store earlier
        String copiedOlder = seal.seal(older);
        clock.advance(Duration.ofMinutes(10));
        AccessToken newer = new AccessToken("newer-revoked", "Bearer", clock.instant(),
                clock.instant().plusSeconds(3600), null);
        SharedStore shared = new SharedStore(store.manager(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        AtomicInteger fetches = new AtomicInteger();
        try {
            SharedTokenSource member = new SharedTokenSource(config, new FleetSeals(config), shared, timeout -> {
                fetches.incrementAndGet();
                return new AccessToken("fresh", "Bearer", clock.instant(), clock.instant().plusSeconds(3600), null);
            }, clock);
            cache(SharedStore.TOKENS).put(seal.entryName(), seal.seal(newer));
            assertThat(member.fetch(Duration.ofSeconds(4)).value()).isEqualTo("newer-revoked");
            member.invalidate(newer);
            cache(SharedStore.TOKENS).put(seal.entryName(), copiedOlder);

            assertThat(member.fetch(Duration.ofSeconds(4)).value()).as("not a token issued before the refused one")
                    .isEqualTo("fresh");
            assertThat(fetches).hasValue(1);
        } finally {
            shared.close();
        }
    }

    @Test
    void aSignedCooldownOfAFailureThatIsNotTheEndpointsIsNotBelieved() {
        server.issueTokensLasting(3600);
        TokenSeal seal = TokenSeal.of(config()).orElseThrow();
        cache(SharedStore.LEASES).put(seal.entryName(),
                seal.sign("cooldown:MISSING_CLIENT_ID:0@" + clock.millis() + "@" + FAR_FUTURE));

        assertThat(member().token().expiresAt()).isAfter(clock.instant());
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aReplicasOwnFailureIsNotSharedWithTheFleet() {
        OAuthClientConfig config = config();
        SharedStore shared = new SharedStore(store.manager(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        AtomicInteger fetches = new AtomicInteger();
        try {
            SharedTokenSource stopping = new SharedTokenSource(config, new FleetSeals(config), shared, timeout -> {
                throw TokenException.builder(ErrorCode.INTERRUPTED).message("its executor stopped").build();
            }, clock);
            SharedTokenSource healthy = new SharedTokenSource(config, new FleetSeals(config), shared, timeout -> {
                fetches.incrementAndGet();
                return new AccessToken("healthy-token", "Bearer", clock.instant(), clock.instant().plusSeconds(3600),
                        null);
            }, clock);

            assertThatThrownBy(() -> stopping.fetch(Duration.ofSeconds(4))).isInstanceOfSatisfying(
                    TokenException.class, e -> assertThat(e.code()).isEqualTo("INTERRUPTED"));
            assertThat(leaseGivenBack(entryName())).as("the lease given back, not turned into a cooldown").isTrue();
            assertThat(healthy.fetch(Duration.ofSeconds(4)).value()).isEqualTo("healthy-token");
            assertThat(fetches).hasValue(1);
        } finally {
            shared.close();
        }
    }

    /** The lease is given back in the background: waits (bounded) until the entry is gone. */
    private boolean leaseGivenBack(String name) {
        return Eventually.within(Duration.ofSeconds(10), () -> cache(SharedStore.LEASES).get(name) == null);
    }

    /** The background writes of the store land on its own threads: waits (bounded) for a value {@code wanted}. */
    private String cacheEventually(String cache, String name, Predicate<String> wanted) {
        return Eventually.within(Duration.ofSeconds(10), () -> {
            String value = cache(cache).get(name);
            return value != null && wanted.test(value);
        }) ? cache(cache).get(name) : null;
    }
}
