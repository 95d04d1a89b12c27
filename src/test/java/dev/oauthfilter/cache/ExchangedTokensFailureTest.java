package dev.oauthfilter.cache;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.endpoint.TokenEndpointClient;
import dev.oauthfilter.endpoint.TokenHttpClients;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.FakeTokenServer.Reply;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
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
                new TokenEndpointClient(config, http.forSettings(config.connectTimeout(), config.sslContext()), endpointClock),
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
        ExchangedTokens exchange = (ExchangedTokens) fixture.cache().exchange(config);

        CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> exchange.exchange("slow-user"));
        assertThat(server.awaitTokenRequests(1, 10)).isTrue();
        for (int i = 0; i < ExchangedTokens.MAX_ENTRIES; i++) {
            exchange.exchange("other-user-" + i);
        }
        // the bound holds (since b2518b0): the eldest exchanges that are done made room, not the one in flight
        assertThat(exchange.size()).as("the bound, with the exchange in flight kept").isEqualTo(
                ExchangedTokens.MAX_ENTRIES);
        release.countDown();
        Object token = first.get(10, TimeUnit.SECONDS);
        assertThat(exchange.exchange("slow-user")).isSameAs(token);

        long slowExchanges = server.tokenRequests().stream().filter(r -> r.body.contains("subject_token=slow-user")).count();
        assertThat(slowExchanges).isEqualTo(1);
    }
}
