package dev.oauthfilter.internal.propagation;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.fixtures.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What counts as an incoming bearer token, what a forwarded token looks like to the filter (its header, its expiry),
 * when the client's own token is used instead, and how {@link IncomingAuthorization#runWith} scopes a header.
 */
class PropagatedTokenTest {

    private static final String FALLBACK_TOKEN = "client-own-token";
    private static final String FALLBACK_SETTING = "the-fallback-setting";

    private final MutableClock clock = MutableClock.atEpochSecond(1_700_000_000);
    private final PropagatingTokenSource strict = new PropagatingTokenSource("users", FALLBACK_SETTING, null, clock);
    private final TokenProvider ownToken = () -> new AccessToken(FALLBACK_TOKEN, "Bearer", clock.instant(),
            clock.instant().plus(Duration.ofHours(1)), null);
    private final PropagatingTokenSource withFallback = new PropagatingTokenSource("users", FALLBACK_SETTING, ownToken,
            clock);

    private static String jwt(String claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        return url.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static AccessToken tokenWhileHandling(String incoming, TokenProvider provider) {
        AtomicReference<AccessToken> token = new AtomicReference<>();
        IncomingAuthorization.runWith(incoming, () -> token.set(provider.token()));
        return token.get();
    }

    private String refusedCode(String incoming) {
        return refusal(incoming).code();
    }

    private TokenException refusal(String incoming) {
        AtomicReference<TokenException> refused = new AtomicReference<>();
        IncomingAuthorization.runWith(incoming,
                () -> refused.set(catchThrowableOfType(TokenException.class, strict::token)));
        return refused.get();
    }

    @Test
    void theIncomingBearerTokenIsForwardedWhateverTheCaseOfItsScheme() {
        assertThat(tokenWhileHandling("Bearer user-token", strict).authorizationHeader())
                .isEqualTo("Bearer user-token");
        assertThat(tokenWhileHandling("bearer   user-token  ", strict).value()).isEqualTo("user-token");
        assertThat(tokenWhileHandling("BEARER user-token", strict).value()).isEqualTo("user-token");
    }

    @Test
    void anotherSchemeOrAnEmptyBearerIsNoTokenToForward() {
        assertThat(refusedCode("Basic dXNlcjpwYXNzd29yZA==")).isEqualTo("NO_INCOMING_TOKEN");
        assertThat(refusedCode("Bearer    ")).isEqualTo("NO_INCOMING_TOKEN");
        assertThat(refusedCode(null)).isEqualTo("NO_INCOMING_TOKEN");
    }

    @Test
    void theRefusalNamesTheSettingThatTurnsTheFallbackOnAsTheConfigurationCallsIt() {
        assertThat(refusal(null).getMessage()).contains("set " + FALLBACK_SETTING + " to client-credentials");
    }

    @Test
    void withAFallbackTheClientsOwnTokenIsUsedOnlyWhenThereIsNoIncomingBearer() {
        assertThat(tokenWhileHandling("Basic dXNlcjpwYXNzd29yZA==", withFallback).value()).isEqualTo(FALLBACK_TOKEN);
        assertThat(tokenWhileHandling(null, withFallback).value()).isEqualTo(FALLBACK_TOKEN);
        assertThat(tokenWhileHandling("Bearer user-token", withFallback).value()).isEqualTo("user-token");
    }

    @Test
    void aForwardedJwtKeepsItsExpiry() {
        Instant inAnHour = clock.instant().plus(Duration.ofHours(1));

        AccessToken token = tokenWhileHandling("Bearer " + jwt("{\"sub\":\"u\",\"exp\":" + inAnHour.getEpochSecond()
                + "}"), strict);

        assertThat(token.expiresAt()).isEqualTo(inAnHour);
        assertThat(token.issuedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aForwardedTokenWithoutAFutureExpiryIsGivenOneSecondTheServiceDecides() {
        Instant now = clock.instant();

        assertThat(tokenWhileHandling("Bearer " + jwt("{\"exp\":" + (now.getEpochSecond() - 10) + "}"), strict)
                .expiresAt()).as("expired").isEqualTo(now.plusSeconds(1));
        assertThat(tokenWhileHandling("Bearer " + jwt("{\"exp\":" + now.getEpochSecond() + "}"), strict)
                .expiresAt()).as("expiring now").isEqualTo(now.plusSeconds(1));
        assertThat(tokenWhileHandling("Bearer " + jwt("{\"sub\":\"u\"}"), strict).expiresAt()).as("no exp")
                .isEqualTo(now.plusSeconds(1));
        assertThat(tokenWhileHandling("Bearer opaque", strict).expiresAt()).as("not a JWT")
                .isEqualTo(now.plusSeconds(1));
    }

    @Test
    void aNestedRunWithRestoresTheOuterHeaderAndLeavesNothingOnTheThread() {
        AtomicReference<String> inner = new AtomicReference<>();
        AtomicReference<String> afterInner = new AtomicReference<>();

        IncomingAuthorization.runWith("Bearer outer", () -> {
            IncomingAuthorization.runWith("Bearer inner", () -> inner.set(IncomingAuthorization.current().orElse("")));
            afterInner.set(IncomingAuthorization.current().orElse("none"));
        });

        assertThat(inner.get()).isEqualTo("Bearer inner");
        assertThat(afterInner.get()).isEqualTo("Bearer outer");
        assertThat(IncomingAuthorization.current()).as("nothing left on the thread").isEmpty();
    }

    @Test
    void theRequestBeanSaysWhetherItHoldsAHeaderButNeverShowsIt() {
        IncomingRequest request = new IncomingRequest();
        assertThat(request.toString()).isEqualTo("IncomingRequest[no Authorization header]");

        request.authorization("Bearer user-secret-token");
        assertThat(request.toString()).isEqualTo("IncomingRequest[Authorization header present]");
    }
}
