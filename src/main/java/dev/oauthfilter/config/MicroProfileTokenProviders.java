package dev.oauthfilter.config;

import dev.oauthfilter.AllowedHosts;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.jaxrs.PropagatingTokenProvider;
import org.eclipse.microprofile.config.Config;

import java.time.Clock;
import java.util.List;

/**
 * The token provider of a client configured in MicroProfile Config: its own client-credentials token, or, with
 * {@code oauth.<name>.propagate=true}, the incoming request's bearer token (to the {@code allowed-hosts} only; with
 * {@code propagate-fallback=client-credentials} the client's own token when there is none).
 */
public final class MicroProfileTokenProviders {

    private MicroProfileTokenProviders() {
    }

    /**
     * @param config the MicroProfile Config
     * @param name   the client name
     * @return its provider
     * @throws TokenException when its settings are missing or bad
     */
    public static TokenProvider create(Config config, String name) {
        Settings s = new Settings(config, name);
        if (!s.bool("propagate").orElse(false)) {
            return TokenProvider.of(MicroProfileClientConfigs.read(config, name));
        }
        List<String> hosts = s.list("allowed-hosts");
        if (hosts.isEmpty()) {
            throw s.invalid("allowed-hosts", "must name where incoming tokens may be forwarded when "
                    + s.key("propagate") + "=true");
        }
        for (String host : hosts) {
            String problem = AllowedHosts.problemWith(host);
            if (problem != null) {
                throw s.invalid("allowed-hosts", problem);
            }
        }
        AllowedHosts allowed = AllowedHosts.of(hosts);
        String fallback = s.string("propagate-fallback").orElse("error");
        TokenProvider fallbackProvider;
        switch (fallback) {
            case "error":
                fallbackProvider = null;
                break;
            case "client-credentials":
                fallbackProvider = TokenProvider.of(MicroProfileClientConfigs.read(config, name));
                break;
            default:
                throw s.invalid("propagate-fallback", "'" + fallback + "' is neither error nor client-credentials");
        }
        return new PropagatingTokenProvider(name, allowed, fallbackProvider, Clock.systemUTC());
    }
}
