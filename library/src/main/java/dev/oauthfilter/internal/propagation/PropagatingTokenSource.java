package dev.oauthfilter.internal.propagation;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.RequestAuthorization;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.tokens.TokenExchange;
import dev.oauthfilter.TokenProvider;

import com.nimbusds.jwt.JWTParser;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Token propagation (the seed SDK's {@code getAuthorizationHeaderFromIncomingRequest}): the bearer token of the
 * incoming request being served is forwarded to the outgoing call, or exchanged (RFC 8693) for a token of the client's
 * audience, scope and resources; where to, the client's {@code ClientPolicy} says (propagating clients must name
 * their allowed hosts). Without one, the configured fallback client's token is used, or the call fails with
 * {@code NO_INCOMING_TOKEN}.
 */
public final class PropagatingTokenSource implements TokenProvider {

    private static final Logger LOG = Logger.getLogger(PropagatingTokenSource.class.getName());
    private static final String BEARER = "bearer ";

    private final String clientName;
    private final String fallbackSetting;
    private final TokenProvider fallback;
    private final TokenExchange exchange;
    private final Clock clock;

    /**
     * @param clientName      the client name, for messages
     * @param fallbackSetting how a message names the setting that turns the fallback on, e.g. its configuration key
     * @param fallback        whose token to use when there is no incoming one, or null to fail instead
     * @param clock           stamps the forwarded token
     */
    public PropagatingTokenSource(String clientName, String fallbackSetting, TokenProvider fallback, Clock clock) {
        this(clientName, fallbackSetting, fallback, null, clock);
    }

    /**
     * @param clientName      the client name, for messages
     * @param fallbackSetting how a message names the setting that turns the fallback on, e.g. its configuration key
     * @param fallback        whose token to use when there is no incoming one, or null to fail instead
     * @param exchange        exchanges the incoming token for the one sent (RFC 8693), or null to forward it as it is
     * @param clock           stamps the forwarded token
     */
    public PropagatingTokenSource(String clientName, String fallbackSetting, TokenProvider fallback,
                                  TokenExchange exchange, Clock clock) {
        this.clientName = clientName;
        this.fallbackSetting = fallbackSetting;
        this.fallback = fallback;
        this.exchange = exchange;
        this.clock = clock;
    }

    @Override
    public RequestAuthorization authorization(String method, URI target) {
        // the fallback's token may be DPoP-bound: its provider makes the proof
        return incoming().isEmpty() && fallback != null ? fallback.authorization(method, target)
                : RequestAuthorization.of(token(), null);
    }

    @Override
    public boolean dpopNonce(URI target, String nonce) {
        return fallback != null && fallback.dpopNonce(target, nonce);
    }

    /**
     * A refused exchanged token is dropped from the exchange's cache, so that the next call exchanges again; a
     * refused fallback token goes to its provider; a forwarded token is the caller's: nothing to drop.
     */
    @Override
    public boolean invalidate(AccessToken rejected) {
        Optional<String> incoming = incoming();
        if (incoming.isPresent()) {
            return exchange != null && exchange.invalidate(incoming.get(), rejected);
        }
        return fallback != null && fallback.invalidate(rejected);
    }

    private static Optional<String> incoming() {
        return IncomingAuthorization.current()
                .filter(header -> header.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(header -> header.substring(BEARER.length()).trim())
                .filter(token -> !token.isEmpty());
    }

    @Override
    public AccessToken token() {
        Optional<String> incoming = incoming();
        if (incoming.isPresent() && exchange != null) {
            return exchange.exchange(incoming.get());
        }
        if (incoming.isPresent()) {
            Instant now = clock.instant();
            Instant exp = expiry(incoming.get());
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
                        + "; to use the client's own, set " + fallbackSetting + " to client-credentials")
                .build();
    }

    /** The JWT's {@code exp}, unverified (the service the token goes to verifies it), or null. */
    private static Instant expiry(String token) {
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException | RuntimeException notAJwtWithExp) {
            return null;
        }
    }
}
