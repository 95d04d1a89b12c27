package dev.oauthfilter.internal.tokens;

import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.internal.endpoint.TokenEndpointClient;
import dev.oauthfilter.internal.endpoint.TokenHttpClients;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange cache under ten times more users than it holds: distinct incoming tokens (JWTs with an {@code exp} an
 * hour out) over an hour of the test clock, each user making a second call a few minutes after its first while a few
 * dozen other users are active. The bound holds after every call, and each second call is a hit. A bound of 100 and
 * 1,000 users rather than the default 1,000 and 10,000: the fixture's log check after the test compares every record
 * with every token issued, which takes minutes at 10,000 exchanges.
 */
class ExchangedTokensAtScaleTest {

    private static final String SECRET = "exchanger-secret-6b0";
    private static final int BOUND = 100;
    private static final int USERS = 10 * BOUND;
    // users whose first call came between a user's first and second: far fewer than the bound
    private static final int ACTIVE_AT_ONCE = 40;

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();
    private final TokenHttpClients http = new TokenHttpClients();

    @AfterEach
    void releaseTheHttpClients() {
        http.close();
    }

    @Test
    void theBoundHoldsUnderTenTimesMoreUsersAndEachUsersSecondCallIsAHit() {
        server.issueTokensLasting(900);
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("exchanger")
                .clientSecret(SECRET).build();
        ExchangedTokens exchange = new ExchangedTokens(config, new TokenEndpointClient(config,
                http.forSettings(config.timing().connectTimeout(), config.tls().context()), clock), clock, BOUND);
        Duration between = Duration.ofHours(1).dividedBy(USERS);
        Map<Integer, String> incoming = new HashMap<>();
        Map<Integer, AccessToken> firstAnswer = new HashMap<>();
        int maxSize = 0;

        for (int user = 0; user < USERS + ACTIVE_AT_ONCE; user++) {
            clock.advance(between);
            if (user < USERS) {
                incoming.put(user, incomingToken(user));
                firstAnswer.put(user, exchange.exchange(incoming.get(user)));
            }
            int returning = user - ACTIVE_AT_ONCE;
            if (returning >= 0) {
                int requests = server.tokenRequestCount();
                assertThat(exchange.exchange(incoming.remove(returning)))
                        .as("user %d's second call, %d users later", returning, ACTIVE_AT_ONCE)
                        .isSameAs(firstAnswer.remove(returning));
                assertThat(server.tokenRequestCount()).isEqualTo(requests);
            }
            assertThat(exchange.size()).as("entries after user %d's calls", user).isLessThanOrEqualTo(BOUND);
            maxSize = Math.max(maxSize, exchange.size());
        }

        assertThat(server.tokenRequestCount()).as("one exchange per user").isEqualTo(USERS);
        assertThat(maxSize).as("entries held at most").isEqualTo(BOUND);
        assertThat(exchange.size()).isEqualTo(BOUND);
    }

    private String incomingToken(int user) {
        return new PlainJWT(new PlainHeader(), new JWTClaimsSet.Builder().subject("user-" + user)
                .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1)))).build()).serialize();
    }
}
