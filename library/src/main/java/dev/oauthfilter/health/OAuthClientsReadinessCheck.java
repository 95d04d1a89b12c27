package dev.oauthfilter.health;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.internal.clients.ConfiguredClient;
import dev.oauthfilter.TokenStatus;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.clients.ApplicationClients;
import dev.oauthfilter.internal.clients.MicroProfileClientConfigs;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code oauth-clients}: for every client configured under {@code oauth.*}, {@code UP} when it has a valid token or
 * can obtain one within {@code oauth.health-timeout} (default 5 s), {@code DOWN <ERROR_CODE>} otherwise, with the
 * seconds until expiry. A client in propagation mode is UP (it needs no token of its own). Never a secret or token.
 */
@Readiness
public class OAuthClientsReadinessCheck implements HealthCheck {

    private final Config config;
    // The class loader of the application the check was made for (CDI makes it there), through which
    // ApplicationClients finds the application's configuration. Payara calls checks with the class loader of
    // the application's ApplicationInfo instead, which does not see the WAR's classes: MicroProfile Config then has
    // none of its settings, and the check would report no client.
    private final ClassLoader applicationLoader;

    /** @param config the application's MicroProfile Config */
    @Inject
    public OAuthClientsReadinessCheck(Config config) {
        this.config = config;
        this.applicationLoader = Thread.currentThread().getContextClassLoader();
    }

    @Override
    public HealthCheckResponse call() {
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        if (ofThisApplication(callers) || !ofThisApplication(applicationLoader)) {
            return check();
        }
        thread.setContextClassLoader(applicationLoader);
        try {
            return check();
        } finally {
            thread.setContextClassLoader(callers);
        }
    }

    /** Whether a context class loader is the application's (or one under it): it sees this very class. */
    private static boolean ofThisApplication(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        try {
            return Class.forName(OAuthClientsReadinessCheck.class.getName(), false, loader)
                    == OAuthClientsReadinessCheck.class;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private HealthCheckResponse check() {
        Duration timeout = MicroProfileClientConfigs.duration(config, "health-timeout").orElse(Duration.ofSeconds(5));
        Map<String, Object> data = new LinkedHashMap<>();
        boolean up = true;
        ApplicationClients clients = ApplicationClients.byDefault();
        for (String client : clients.names()) {
            String status = status(clients, client, timeout);
            data.put(client, status);
            up &= status.startsWith("UP");
        }
        // the constructor, not HealthCheckResponse.named(): it needs no implementation-provided builder
        return new HealthCheckResponse("oauth-clients", up ? HealthCheckResponse.Status.UP
                : HealthCheckResponse.Status.DOWN, Optional.of(data));
    }

    private String status(ApplicationClients clients, String client, Duration timeout) {
        ConfiguredClient provider;
        try {
            provider = clients.client(client);
        } catch (TokenException e) {
            return "DOWN " + e.code();
        }
        TokenStatus observed = provider.status();
        if (observed.propagated()) {
            return "UP (propagation)";
        }
        CompletableFuture<AccessToken> token = CompletableFuture.supplyAsync(provider::token);
        try {
            AccessToken valid = token.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long seconds = observed == TokenStatus.UNKNOWN
                    ? Duration.between(Clock.systemUTC().instant(), valid.expiresAt()).toSeconds()
                    : observed.secondsUntilExpiry();
            return "UP, token expires in " + seconds + " s";
        } catch (ExecutionException e) {
            return "DOWN " + (e.getCause() instanceof TokenException ? ((TokenException) e.getCause()).code()
                    : "INTERNAL_ERROR");
        } catch (TimeoutException e) {
            return "DOWN TOKEN_ENDPOINT_UNREACHABLE (no token within " + timeout.toMillis() + " ms)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "DOWN INTERRUPTED";
        }
    }
}
