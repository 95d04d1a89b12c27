package dev.oauthfilter.jaxrs;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.AllowedHosts;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.TokenProvider;
import dev.oauthfilter.endpoint.JwtExpiry;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Token propagation (the seed SDK's {@code getAuthorizationHeaderFromIncomingRequest}): the bearer token of the
 * incoming request the current thread serves is forwarded to the outgoing call, only to the allowed hosts. Without
 * one, the configured fallback client's token is used, or the call fails with {@code NO_INCOMING_TOKEN}.
 */
public final class PropagatingTokenProvider implements TokenProvider {

    private static final Logger LOG = Logger.getLogger(PropagatingTokenProvider.class.getName());
    private static final String BEARER = "bearer ";

    private final String clientName;
    private final AllowedHosts allowedHosts;
    private final TokenProvider fallback;
    private final Clock clock;

    /**
     * @param clientName   the client name, for messages and keys
     * @param allowedHosts where the incoming token may be forwarded
     * @param fallback     whose token to use when there is no incoming one, or null to fail instead
     * @param clock        stamps the forwarded token
     */
    public PropagatingTokenProvider(String clientName, AllowedHosts allowedHosts, TokenProvider fallback, Clock clock) {
        this.clientName = clientName;
        this.allowedHosts = allowedHosts;
        this.fallback = fallback;
        this.clock = clock;
    }

    @Override
    public AccessToken token() {
        Optional<String> incoming = IncomingAuthorization.current()
                .filter(header -> header.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(header -> header.substring(BEARER.length()).trim())
                .filter(token -> !token.isEmpty());
        if (incoming.isPresent()) {
            Instant now = clock.instant();
            Instant exp = JwtExpiry.of(incoming.get());
            // the expiry is only informative here: the service the token goes to decides
            return new AccessToken(incoming.get(), "Bearer", now, exp != null && exp.isAfter(now) ? exp
                    : now.plusSeconds(1), null);
        }
        if (fallback != null) {
            LOG.fine(() -> "client '" + clientName + "': no incoming bearer token, using client credentials");
            return fallback.token();
        }
        throw TokenException.builder(ErrorCode.NO_INCOMING_TOKEN).clientName(clientName)
                .message("token propagation is on, and the incoming request has no bearer token to forward"
                        + " (set " + key("propagate-fallback") + "=client-credentials to use the client's own)")
                .build();
    }

    @Override
    public boolean allowsTarget(URI target) {
        return allowedHosts.allows(target);
    }

    private String key(String setting) {
        return OAuthClientConfig.configKey(clientName, setting);
    }
}
