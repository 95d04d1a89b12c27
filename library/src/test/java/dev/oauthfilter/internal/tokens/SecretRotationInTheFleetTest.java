package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client secret kept in a file is rotated because it may have leaked: from the first token request made with the
 * new secret on, the fleet's tokens are sealed and looked up under the new secret, the old one opens none of them,
 * and a replica started after the rotation shares with those that read the new file. A replica whose file is caught
 * half-way through a rotation fails alone: the fleet does not share its failure.
 */
class SecretRotationInTheFleetTest {

    private static final String CLIENT_ID = "rotating";
    private static final String OLD_SECRET = "old-secret-7a1f";
    private static final String NEW_SECRET = "new-secret-92c4";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, OLD_SECRET),
            Forbidden.secret(CLIENT_ID, NEW_SECRET));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final SlowJCache store = new SlowJCache();

    @TempDir
    Path dir;

    private OAuthClientConfig.Builder settings() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId(CLIENT_ID)
                .refreshBefore(Duration.ofMinutes(5)).maxAttempts(1).failureCooldown(Duration.ofSeconds(2));
    }

    private TokenProvider member(Path secretFile) {
        return fixture.newCache(b -> b.sharedVia(store.manager()).executor(new ManualExecutor()))
                .provider(settings().clientSecretFile(secretFile).build());
    }

    private TokenSeal sealOf(String secret) {
        return TokenSeal.of(settings().clientSecret(secret).build()).orElseThrow();
    }

    @Test
    void afterARotationTheFleetsTokensAreSealedUnderTheNewSecretOnly() throws Exception {
        server.issueTokensLasting(3600);
        Path file = Files.writeString(dir.resolve("client-secret"), OLD_SECRET);
        TokenProvider replica = member(file);
        replica.token();
        awaitPublished(sealOf(OLD_SECRET));

        Files.writeString(file, NEW_SECRET);
        clock.advance(Duration.ofHours(1));
        AccessToken afterRotation = replica.token();

        assertThat(server.tokenRequests().get(1).header("Authorization")).as("authenticated with the new secret")
                .isEqualTo(basic(NEW_SECRET));
        String sealed = awaitPublished(sealOf(NEW_SECRET));
        assertThat(sealOf(NEW_SECRET).open(sealed)).map(AccessToken::value).contains(afterRotation.value());
        assertThat(sealOf(OLD_SECRET).open(sealed)).as("opened with the rotated secret").isEmpty();
        assertThat(Optional.ofNullable(tokens().get(sealOf(OLD_SECRET).entryName())).flatMap(sealOf(OLD_SECRET)::open)
                .map(AccessToken::value)).as("the old secret's entry").isNotEqualTo(Optional.of(afterRotation.value()));

        Path newFile = Files.writeString(dir.resolve("new-replica-secret"), NEW_SECRET);
        assertThat(member(newFile).token().value()).as("a replica started after the rotation adopts it")
                .isEqualTo(afterRotation.value());
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aTokenFetchedWhileTheSecretWasRotatedIsNotPublishedUnderTheOldSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("client-secret"), OLD_SECRET);
        OAuthClientConfig config = settings().clientSecretFile(file).build();
        SharedStore shared = new SharedStore(store.manager(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        try {
            SharedTokenSource source = new SharedTokenSource(config, new FleetSeals(config), shared, timeout -> {
                try {
                    // rotated while the request is on its way: it authenticated with the new secret
                    Files.writeString(file, NEW_SECRET);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new AccessToken("token-of-the-new-secret", "Bearer", clock.instant(),
                        clock.instant().plusSeconds(3600), null);
            }, clock);

            assertThat(source.fetch(Duration.ofSeconds(4)).value()).isEqualTo("token-of-the-new-secret");
            assertThat(leaseGivenBack(sealOf(OLD_SECRET).entryName())).as("the old seal's lease given back").isTrue();
            assertThat(tokens().get(sealOf(OLD_SECRET).entryName())).as("published under the old secret").isNull();
        } finally {
            shared.close();
        }
    }

    @Test
    void aReplicaWhoseSecretFileIsHalfRotatedFailsAloneAndTheFleetGoesOn() throws Exception {
        server.issueTokensLasting(3600);
        Path halfRotated = Files.writeString(dir.resolve("half-rotated"), OLD_SECRET);
        Path intact = Files.writeString(dir.resolve("intact"), OLD_SECRET);
        TokenProvider unlucky = member(halfRotated);
        TokenProvider healthy = member(intact);
        Files.writeString(halfRotated, "");

        assertThatThrownBy(unlucky::token).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.code()).isEqualTo("MISSING_SECRET"));
        assertThat(healthy.token().expiresAt()).as("not the other replica's MISSING_SECRET")
                .isAfter(clock.instant());
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    /** The lease is given back in the background, after the token was (or was not) published: waits, bounded. */
    private boolean leaseGivenBack(String name) {
        return Eventually.within(Duration.ofSeconds(10),
                () -> store.caches.getOrDefault(SharedStore.LEASES, Map.of()).get(name) == null);
    }

    private Map<String, String> tokens() {
        return store.caches.computeIfAbsent(SharedStore.TOKENS, k -> new ConcurrentHashMap<>());
    }

    /** Published in the background, on the store's threads: waits (bounded) for an entry this seal opens. */
    private String awaitPublished(TokenSeal seal) {
        Eventually.await(Duration.ofSeconds(10), () -> {
            String sealed = tokens().get(seal.entryName());
            return sealed != null && seal.open(sealed).isPresent();
        });
        return tokens().get(seal.entryName());
    }

    private static String basic(String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":" + secret)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
