package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.internal.clients.BoundedTokenCache;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.endpoint.TokenEndpointClient;
import dev.oauthfilter.internal.endpoint.TokenHttpClients;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.List;
import java.util.ArrayList;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Review: ExchangedTokens' single flight under an Error and under eviction. */
class ExchangedTokensFailureTest {

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets("exchanger-secret-93d");
    private final FakeTokenServer server = fixture.server();
    private final TokenHttpClients http = new TokenHttpClients();

    private OAuthClientConfig config() {
        return OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("exchanger")
                .clientSecret("exchanger-secret-93d").acquisitionTimeout(Duration.ofSeconds(1)).maxAttempts(1).build();
    }

    @Test
    void anErrorDuringOneExchangeDoesNotBlockThatUserForever() {
        OAuthClientConfig config = config();
        AtomicBoolean broken = new AtomicBoolean(true);
        Clock endpointClock = new Clock() {   // stands for any Error (LinkageError, StackOverflowError) in the exchange
            public ZoneId getZone() { return ZoneId.of("UTC"); }
            public Clock withZone(ZoneId zone) { return this; }
            public Instant instant() {
                if (broken.getAndSet(false)) {
                    throw new NoSuchMethodError("simulated linkage error");
                }
                return fixture.clock().instant();
            }
        };
        ExchangedTokens exchange = new ExchangedTokens(config,
                new TokenEndpointClient(config,
                        http.forSettings(config.timing().connectTimeout(), config.tls().context()), endpointClock),
                fixture.clock());

        Throwable second = catchThrowable(() -> exchange.exchange("user-a-token"));
        Throwable third = catchThrowable(() -> exchange.exchange("user-a-token"));
        assertThat(third).as("the endpoint works again").isNull();
        http.close();
    }

    @Test
    void anInFlightExchangeIsNotEvictedIntoASecondExchange() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.respond(r -> {
            if (r.body.contains("subject_token=slow-user")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":300}");
        });
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("exchanger")
                .clientSecret("exchanger-secret-93d").acquisitionTimeout(Duration.ofSeconds(20)).build();
        ExchangedTokens exchange = (ExchangedTokens) ((BoundedTokenCache) fixture.cache()).exchange(config);

        CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> exchange.exchange("slow-user"));
        assertThat(server.awaitTokenRequests(1, 10)).isTrue();
        for (int i = 0; i < ExchangedTokens.MAX_ENTRIES; i++) {
            exchange.exchange("other-user-" + i);
        }
        // the bound holds (issue 20: it used to be exceeded by the exchange in flight): done entries made room
        assertThat(exchange.size()).as("the exchange in flight is kept, within the bound").isEqualTo(
                ExchangedTokens.MAX_ENTRIES);
        release.countDown();
        Object token = first.get(10, TimeUnit.SECONDS);
        assertThat(exchange.exchange("slow-user")).isSameAs(token);

        long slowExchanges = server.tokenRequests().stream().filter(r -> r.body.contains("subject_token=slow-user")).count();
        assertThat(slowExchanges).isEqualTo(1);
    }
    @Test
    void oneIncomingTokenIsExchangedOnceWhileEveryEntryIsAnExchangeInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.respond(r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.json(200, "{\"access_token\":\"" + server.newToken() + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":300}");
        });
        OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token")).clientId("exchanger")
                .clientSecret("exchanger-secret-93d").acquisitionTimeout(Duration.ofSeconds(30)).maxAttempts(1)
                .build();
        int bound = 3;
        ExchangedTokens exchange = new ExchangedTokens(config,
                new TokenEndpointClient(config,
                        http.forSettings(config.timing().connectTimeout(), config.tls().context()),
                        fixture.clock()), fixture.clock(), bound);
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < bound; i++) {
                String user = "busy-user-" + i;
                calls.add(callers.submit(() -> exchange.exchange(user)));
            }
            assertThat(server.awaitTokenRequests(bound, 30)).isTrue();
            // five callers of one user while the bound is taken by exchanges in flight: they share one exchange
            for (int i = 0; i < 5; i++) {
                calls.add(callers.submit(() -> exchange.exchange("victim-user")));
            }
            assertThat(server.awaitTokenRequests(1, 30)).as("the victim's exchange arrived").isTrue();
            assertThat(server.awaitTokenRequests(1, 1)).as("a second exchange of the victim's token").isFalse();
            release.countDown();
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            release.countDown();
            callers.shutdownNow();
        }
        long victim = server.tokenRequests().stream().filter(r -> r.body.contains("subject_token=victim-user")).count();
        assertThat(victim).as("exchanges of one incoming token").isEqualTo(1);
        assertThat(exchange.size()).as("back within the bound once the exchanges are done").isLessThanOrEqualTo(bound);
        http.close();
    }
}
