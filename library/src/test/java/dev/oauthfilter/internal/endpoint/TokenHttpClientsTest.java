package dev.oauthfilter.internal.endpoint;

import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.testing.FakeTokenServer;
import dev.oauthfilter.testing.TokenServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP clients of a cache: one per (connect timeout, TLS context), made on first use and anew after
 * {@code close()}, and made so that none of their threads holds the application's class loader.
 */
class TokenHttpClientsTest {

    private static final String SECRET = "http-clients-secret-61ae";

    @RegisterExtension
    final TokenServerExtension fixture = TokenServerExtension.forbiddingSecrets(SECRET);
    private final FakeTokenServer server = fixture.server();
    private final TokenHttpClients clients = new TokenHttpClients();

    @AfterEach
    void release() {
        clients.close();
    }

    @Test
    void oneClientServesEverySourceWithTheSameSettingsAndOthersGetTheirOwn() {
        Supplier<HttpClient> first = clients.forSettings(Duration.ofSeconds(1), Optional.empty());
        Supplier<HttpClient> same = clients.forSettings(Duration.ofSeconds(1), Optional.empty());
        Supplier<HttpClient> other = clients.forSettings(Duration.ofSeconds(2), Optional.empty());
        assertThat(clients.size()).as("made on first use only").isZero();

        HttpClient client = first.get();
        assertThat(same.get()).isSameAs(client);
        assertThat(other.get()).isNotSameAs(client);
        assertThat(clients.size()).isEqualTo(2);
        assertThat(client.followRedirects()).as("credentials never follow a redirect")
                .isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.connectTimeout()).contains(Duration.ofSeconds(1));
    }

    @Test
    void afterCloseNoClientIsHeldAndTheNextRequestGetsANewOne() {
        Supplier<HttpClient> settings = clients.forSettings(Duration.ofSeconds(1), Optional.empty());
        HttpClient before = settings.get();

        clients.close();
        assertThat(clients.size()).isZero();

        assertThat(settings.get()).isNotSameAs(before);
        assertThat(clients.size()).isEqualTo(1);
    }

    @Test
    void theClientsThreadsAreDaemonsWithoutTheCallersClassLoaderWhichTheCallerKeeps() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
        Thread caller = Thread.currentThread();
        ClassLoader previous = caller.getContextClassLoader();
        caller.setContextClassLoader(application);
        try {
            OAuthClientConfig config = OAuthClientConfig.builder().tokenUrl(server.uri("/token"))
                    .clientId("threads").clientSecret(SECRET).build();
            new TokenEndpointClient(config,
                    clients.forSettings(config.timing().connectTimeout(), config.tls().context()),
                    fixture.clock()).requestToken(Duration.ofSeconds(5));

            assertThat(caller.getContextClassLoader()).as("the caller's loader is given back").isSameAs(application);
        } finally {
            caller.setContextClassLoader(previous);
        }

        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("oauth-filter-http-") || t.getName().contains("SelectorManager"))
                .collect(Collectors.toList());
        assertThat(started).extracting(Thread::getName).anyMatch(name -> name.startsWith("oauth-filter-http-"))
                .anyMatch(name -> name.contains("SelectorManager"));
        assertThat(started).allSatisfy(t -> {
            assertThat(t.getContextClassLoader()).as("%s holds no class loader", t.getName()).isNull();
            assertThat(t.isDaemon()).as("%s is a daemon", t.getName()).isTrue();
        });
    }
}
