package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.internal.clients.BoundedTokenCache;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.oauthfilter.AccessToken;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.internal.tokens.TokenExchange;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Received;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.Forbidden;
import dev.oauthfilter.fixtures.MutableClock;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RFC 8693 token exchange: the request's wire format, one exchange per incoming token (cached until the exchanged
 * token or the incoming one expires, single flight, bounded), failures not cached, no token in the logs.
 */
class TokenExchangeTest {

    private static final String CLIENT_ID = "exchanger";
    private static final String SECRET = "exchanger-secret-93d";
    private static final String SUBJECT = "incoming-user-token-1f2e";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbidding(Forbidden.secret(CLIENT_ID, SECRET),
            Forbidden.token(SUBJECT));
    private final FakeTokenServer server = fixture.server();
    private final MutableClock clock = fixture.clock();

    private TokenExchange exchange(long expiresIn) {
        server.respond(request -> issue(request, expiresIn));
        return ((BoundedTokenCache) fixture.cache()).exchange(OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                .clientId(CLIENT_ID).clientSecret(SECRET).audience("billing").scope("invoices.read").build());
    }

    private Reply issue(Received request, long expiresIn) {
        Map<String, String> form = form(request.body);
        if (!"urn:ietf:params:oauth:grant-type:token-exchange".equals(form.get("grant_type"))) {
            return Reply.json(400, "{\"error\":\"unsupported_grant_type\"}");
        }
        return Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"issued_token_type\":"
                + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":"
                + expiresIn + "}");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    @Test
    void eachExchangeIsReportedAsATokenRequestOfTheExchangingClient() {
        List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        fixture.cache().events(new TokenEvents() {
            @Override
            public void tokenRequest(String client, String outcome, Duration took) {
                reported.add(client + ":" + outcome);
            }
        });
        TokenExchange exchange = exchange(300);

        exchange.exchange(SUBJECT);
        exchange.exchange(SUBJECT);
        exchange.exchange(SUBJECT + "-another-user");

        assertThat(reported).containsExactly("default:success", "default:success");
    }

    @Test
    void theRequestIsAnRfc8693ExchangeAuthenticatedAsTheClient() {
        AccessToken token = exchange(300).exchange(SUBJECT);

        assertThat(token.value()).isEqualTo(server.issuedTokens().get(0));
        Received request = server.tokenRequests().get(0);
        assertThat(form(request.body)).containsEntry("subject_token", SUBJECT)
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("audience", "billing").containsEntry("scope", "invoices.read")
                .doesNotContainKey("client_secret");
        assertThat(request.header("Authorization")).startsWith("Basic ");
    }

    @Test
    void oneExchangePerIncomingTokenWhileTheExchangedOneIsValid() {
        TokenExchange exchange = exchange(60);

        AccessToken first = exchange.exchange(SUBJECT);
        assertThat(exchange.exchange(SUBJECT)).isSameAs(first);
        assertThat(exchange.exchange("another-incoming-token")).isNotEqualTo(first);
        assertThat(server.tokenRequestCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(53));
        assertThat(exchange.exchange(SUBJECT)).as("54 s of 60: still valid").isSameAs(first);
        clock.advance(Duration.ofSeconds(2));
        assertThat(exchange.exchange(SUBJECT)).as("within 6 s of its expiry: exchanged again").isNotEqualTo(first);
        assertThat(server.tokenRequestCount()).isEqualTo(3);
    }

    @Test
    void anExchangedTokenIsNotUsedBeyondTheIncomingTokensExpiry() {
        TokenExchange exchange = exchange(3600);
        String jwt = new PlainJWT(new PlainHeader(), new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(clock.instant().plusSeconds(30))).build()).serialize();

        AccessToken first = exchange.exchange(jwt);
        clock.advance(Duration.ofSeconds(20));
        assertThat(exchange.exchange(jwt)).isSameAs(first);
        clock.advance(Duration.ofSeconds(8));
        assertThat(exchange.exchange(jwt)).as("the incoming token expires in 2 s").isNotSameAs(first);
    }

    @Test
    void manyThreadsWithOneIncomingTokenMakeOneExchange() throws Exception {
        TokenExchange exchange = exchange(300);
        server.holdResponses();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AccessToken>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(threads.submit(() -> {
                    start.await();
                    return exchange.exchange(SUBJECT);
                }));
            }
            start.countDown();
            assertThat(server.awaitTokenRequests(1, 10)).isTrue();
            server.releaseResponses();
            for (Future<AccessToken> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).value()).isEqualTo(server.issuedTokens().get(0));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void aRefusedExchangeIsNotCached() {
        TokenExchange exchange = exchange(300);
        server.respond(request -> Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"expired\"}"));

        assertThatThrownBy(() -> exchange.exchange(SUBJECT)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.oauthError()).contains("invalid_grant"));
        server.respond(request -> issue(request, 300));
        assertThat(exchange.exchange(SUBJECT).value()).isEqualTo(server.issuedTokens().get(0));
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedExchangedTokenIsDroppedUnlessItWasJustIssued() {
        TokenExchange exchange = exchange(3600);
        AccessToken first = exchange.exchange(SUBJECT);

        assertThat(exchange.invalidate(SUBJECT, first)).as("refused right after it was issued: kept").isFalse();
        assertThat(exchange.exchange(SUBJECT)).isSameAs(first);

        clock.advance(Duration.ofMinutes(1));
        assertThat(exchange.invalidate(SUBJECT, first)).isTrue();
        AccessToken second = exchange.exchange(SUBJECT);
        assertThat(second).isNotSameAs(first);
        assertThat(exchange.invalidate(SUBJECT, first)).as("no longer the cached one").isTrue();
        assertThat(exchange.exchange(SUBJECT)).isSameAs(second);
        assertThat(server.tokenRequestCount()).isEqualTo(2);
    }

    @Test
    void theBoundHoldsWhileTheEldestExchangeIsInFlightAndTheCacheShrinksBack() throws Exception {
        CountDownLatch slowAnswer = new CountDownLatch(1);
        server.respond(request -> {
            if (form(request.body).get("subject_token").equals("slow-user")) {
                try {
                    slowAnswer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return issue(request, 300);
        });
        ExchangedTokens exchange = (ExchangedTokens) ((BoundedTokenCache) fixture.cache()).exchange(OAuthClientConfig.builder()
                .tokenUrl(server.uri("/token")).clientId(CLIENT_ID).clientSecret(SECRET).build());
        ExecutorService slow = Executors.newSingleThreadExecutor();
        try {
            Future<AccessToken> slowUser = slow.submit(() -> exchange.exchange("slow-user"));
            assertThat(server.awaitTokenRequests(1, 30)).isTrue();
            for (int i = 0; i < 1500; i++) {
                exchange.exchange("user-" + i);
                assertThat(exchange.size()).as("after %d more users", i + 1).isLessThanOrEqualTo(ExchangedTokens.MAX_ENTRIES);
            }
            slowAnswer.countDown();
            assertThat(slowUser.get(30, TimeUnit.SECONDS).value()).isNotBlank();
        } finally {
            slowAnswer.countDown();
            slow.shutdownNow();
        }
        assertThat(exchange.size()).isEqualTo(ExchangedTokens.MAX_ENTRIES);
    }

    @Test
    void atMostAThousandIncomingTokensAreRemembered() {
        ExchangedTokens exchange = (ExchangedTokens) exchange(300);
        for (int i = 0; i < ExchangedTokens.MAX_ENTRIES + 50; i++) {
            exchange.exchange("incoming-" + i);
        }
        assertThat(exchange.size()).isEqualTo(ExchangedTokens.MAX_ENTRIES);
        assertThat(exchange.toString()).doesNotContain("incoming-");
        int requests = server.tokenRequestCount();
        assertThat(exchange.exchange("incoming-" + (ExchangedTokens.MAX_ENTRIES + 49))).as("the newest, cached")
                .isSameAs(exchange.exchange("incoming-" + (ExchangedTokens.MAX_ENTRIES + 49)));
        assertThat(server.tokenRequestCount()).isEqualTo(requests);

        // 5 s before the expiry of every token (all exchanged at one instant): the entries whose time is up go at once
        clock.advance(Duration.ofSeconds(295));
        exchange.exchange("after-their-time");
        assertThat(exchange.size()).isEqualTo(1);
    }
}
