package dev.oauthfilter.internal.clients;

import dev.oauthfilter.OAuthClientConfig;
import org.eclipse.microprofile.config.Config;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The names of the clients configured in MicroProfile Config, for the readiness check. */
final class ConfiguredClients {

    // a client exists when it names an endpoint, an identity, or propagation
    private static final Set<String> DEFINING = Set.of("token-url", "server-url", "oauth-server-url", "issuer",
            "discovery-url", "client-id", "propagate");
    private static final Pattern KEY = Pattern.compile("oauth\\.(?:([A-Za-z0-9_-]+)\\.)?([a-z-]+)");

    private ConfiguredClients() {
    }

    /**
     * @param config the MicroProfile Config
     * @return the default client's name (when its keys are set) and every {@code oauth.<name>.*} client's, sorted
     */
    static Set<String> names(Config config) {
        Set<String> names = new TreeSet<>();
        for (String key : config.getPropertyNames()) {
            Matcher m = KEY.matcher(key);
            if (m.matches() && DEFINING.contains(m.group(2))) {
                names.add(m.group(1) == null ? OAuthClientConfig.DEFAULT_NAME : m.group(1));
            }
        }
        return names;
    }
}
