package dev.oauthfilter.internal.clients;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenCache;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache has several listeners, each told of everything (how the MicroProfile Metrics and the OpenTelemetry bindings
 * listen to one application side by side), and one that fails keeps neither a token nor the others from being had.
 */
class TokenListenersTest {

    private static final String SECRET = "listeners-secret-5521";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);

    private OAuthClientConfig config() {
        return OAuthClientConfig.builder().name("listened").tokenUrl(fixture.server().uri("/token"))
                .clientId("listened").clientSecret(SECRET).maxAttempts(1).build();
    }

    /** Writes down what it hears, as "event client detail". */
    private static final class Heard implements TokenEvents {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void tokenRequest(String client, String outcome, Duration took) {
            events.add("request " + client + " " + outcome);
        }

        @Override
        public void sourceCreated(String client, TokenStatus status) {
            events.add("source " + client);
        }

        @Override
        public void closed() {
            events.add("closed");
        }

        @Override
        public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
            events.add("acquisition " + client + " awaited=" + awaited);
            return acquisition;
        }

        @Override
        public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
            events.add("http " + client + " " + grantType + " " + endpoint.getPath() + " #" + resendCount);
            return (status, outcome) -> events.add("ended " + status + " " + outcome);
        }
    }

    /** Fails at every event. */
    private static final class Failing implements TokenEvents {
        @Override
        public void tokenRequest(String client, String outcome, Duration took) {
            throw new IllegalStateException("tokenRequest");
        }

        @Override
        public void sourceCreated(String client, TokenStatus status) {
            throw new IllegalStateException("sourceCreated");
        }

        @Override
        public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
            throw new IllegalStateException("acquisition");
        }

        @Override
        public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
            return (status, outcome) -> {
                throw new IllegalStateException("ended");
            };
        }
    }

    /** Built against a newer API than the one it meets (the OpenTelemetry binding on Payara's OpenTelemetry 1.29). */
    private static final class Incompatible implements TokenEvents {
        @Override
        public void sourceCreated(String client, TokenStatus status) {
            throw new NoSuchMethodError("DoubleHistogramBuilder.setExplicitBucketBoundariesAdvice(java.util.List)");
        }

        @Override
        public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
            throw new NoClassDefFoundError("io/opentelemetry/context/Context");
        }

        @Override
        public HttpExchange httpRequest(String client, String grantType, URI endpoint, int resendCount) {
            throw new AbstractMethodError("SpanBuilder.startSpan");
        }
    }

    @Test
    void twoListenersOfTheApplicationsClientsBothHearEveryEvent() {
        Heard metrics = new Heard();
        Heard telemetry = new Heard();
        ApplicationClients.byDefault().events(metrics);
        ApplicationClients.byDefault().events(telemetry);

        TokenProvider.of(config()).token();
        ApplicationClients.byDefault().close();

        List<String> expected = List.of("source listened", "acquisition listened awaited=true",
                "http listened client_credentials /token #0", "ended 200 success", "request listened success",
                "closed");
        assertThat(metrics.events).containsExactlyElementsOf(expected);
        assertThat(telemetry.events).containsExactlyElementsOf(expected);
    }

    @Test
    void aListenerAddedLaterIsToldOfTheSourcesThereAreAndTheOthersAreNotToldAgain() {
        TokenCache cache = fixture.cache();
        Heard first = new Heard();
        cache.events(first);
        cache.provider(config()).token();

        Heard second = new Heard();
        cache.events(second);

        assertThat(first.events).filteredOn(event -> event.startsWith("source")).containsExactly("source listened");
        assertThat(second.events).containsExactly("source listened");
    }

    @Test
    void aListenerThatFailsAtEveryEventKeepsNeitherTheTokenNorTheOtherListenerFromBeingHad() {
        TokenCache cache = fixture.cache();
        Heard heard = new Heard();
        cache.events(new Failing());
        cache.events(heard);

        String token = cache.provider(config()).token().value();

        assertThat(token).isNotBlank();
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(1);
        assertThat(heard.events).containsExactly("source listened", "acquisition listened awaited=true",
                "http listened client_credentials /token #0", "ended 200 success", "request listened success");
        assertThat(fixture.logs().lines()).filteredOn(line -> line.contains("a token event listener failed"))
                .hasSize(1);
    }

    @Test
    void aListenerBuiltAgainstANewerApiThanTheServersKeepsNoTokenFromBeingHad() {
        TokenCache cache = fixture.cache();
        cache.events(new Incompatible());

        assertThat(cache.provider(config()).token().value()).isNotBlank();
        assertThat(fixture.logs().lines()).filteredOn(line -> line.contains("a token event listener failed"))
                .hasSize(1);
    }

    @Test
    void anErrorFromAListenerWhenAnAcquisitionStartsNeitherLosesTheRequestNorTheNextOne() {
        TokenCache cache = fixture.cache();
        cache.events(new TokenEvents() {
            @Override
            public Runnable acquisition(String client, boolean awaited, Runnable acquisition) {
                throw new AssertionError("a listener's bug");
            }
        });
        TokenProvider tokens = cache.provider(config());

        assertThat(tokens.token().value()).isNotBlank();
        assertThat(fixture.server().tokenRequestCount()).isEqualTo(1);
    }

    @Test
    void addingNoneAddsNothingAndCacheHitsAreNotCountedWithoutAListener() {
        TokenCache cache = fixture.cache();
        cache.events(TokenEvents.NONE);
        TokenProvider tokens = cache.provider(config());

        tokens.token();
        tokens.token();

        assertThat(((ConfiguredClient) tokens).status().cacheHits()).isZero();
    }
}
