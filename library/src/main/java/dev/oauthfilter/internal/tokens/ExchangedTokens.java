package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenEvents;
import dev.oauthfilter.TokenException;
import dev.oauthfilter.internal.tokens.TokenExchange;
import dev.oauthfilter.internal.endpoint.JwtExpiry;
import dev.oauthfilter.internal.endpoint.TokenEndpointClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Tokens obtained by RFC 8693 token exchange for one client, cached per incoming token (keyed by its SHA-256, so
 * that the map holds no incoming token), bounded, with one exchange in flight per incoming token. An entry serves
 * until its token is within {@code min(5 s, lifetime / 10)} of its expiry or of the incoming token's own
 * {@code exp}, whichever comes first. Failures are not cached: the next caller asks again (transient ones are
 * retried within the call, as for client credentials). Thread-safe.
 */
public final class ExchangedTokens implements TokenExchange {

    static final int MAX_ENTRIES = 1000;
    private static final Logger LOG = Logger.getLogger(ExchangedTokens.class.getName());

    private final OAuthClientConfig config;
    private final TokenEndpointClient endpoint;
    private final Clock clock;
    private final int maxEntries;
    private volatile TokenEvents events = TokenEvents.NONE;
    // in access order, eldest first; above MAX_ENTRIES only while more exchanges are in flight at once (trim())
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    // under the lock: no entry's time is up before this instant (epoch millis), so a full cache need not look for
    // one on every miss; only ever earlier than the truth (an entry gone since makes one sweep more, never one less)
    private long noneUsedUpBefore = Long.MAX_VALUE;

    /** An exchange in flight or done, and until when its token may be used (epoch millis; 0 while in flight). */
    private static final class Entry {
        final CompletableFuture<AccessToken> token = new CompletableFuture<>();
        volatile long usableUntil;
    }

    /**
     * @param config   the client that exchanges (endpoint, credentials, audience, scope, resources, timeouts)
     * @param endpoint its token endpoint
     * @param clock    decides whether a cached token may still be used
     */
    ExchangedTokens(OAuthClientConfig config, TokenEndpointClient endpoint, Clock clock) {
        this(config, endpoint, clock, MAX_ENTRIES);
    }

    /** @param maxEntries how many incoming tokens are remembered (more only while more exchanges are in flight) */
    ExchangedTokens(OAuthClientConfig config, TokenEndpointClient endpoint, Clock clock, int maxEntries) {
        this.config = config;
        this.endpoint = endpoint;
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    @Override
    public AccessToken exchange(String subjectToken) {
        String key = hash(subjectToken);
        long now = clock.millis();
        Entry mine = null;
        Entry entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry == null || entry.token.isDone() && now >= entry.usableUntil) {
                mine = new Entry();
                entry = mine;
                entries.remove(key);
                trim(now);
                // over the bound only while every entry is an exchange in flight: its callers share it
                entries.put(key, mine);
            }
        }
        if (mine != null) {
            fetch(mine, key, subjectToken);
        }
        return await(entry);
    }

    @Override
    public boolean invalidate(String subjectToken, AccessToken rejected) {
        String key = hash(subjectToken);
        synchronized (entries) {
            Entry entry = entries.get(key);
            if (entry == null || !entry.token.isDone() || entry.token.isCompletedExceptionally()
                    || entry.token.join() != rejected) {
                return true;
            }
            if (clock.millis() - rejected.issuedAt().toEpochMilli()
                    < RefreshingTokenSource.REJECTED_TOKEN_MIN_AGE_MILLIS) {
                // refused right after it was issued: its successor would be refused too
                return false;
            }
            entries.remove(key);
            return true;
        }
    }

    /**
     * @param events where each exchange request is reported, as a token request of this client (how the metrics
     *               count exchanges)
     */
    public void events(TokenEvents events) {
        this.events = events;
    }

    /** @return how many incoming tokens have an exchanged token or an exchange in flight */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /**
     * Keeps the entries below {@code maxEntries}, under the lock: drops entries that can no longer be used, then the
     * least recently used exchanges that are done, never one in flight (its callers would start a second one).
     * Entries that can no longer be used are looked for only once the earliest time one may be up has come: a full
     * cache under a stream of new incoming tokens (every miss trims) would otherwise scan all its entries per miss.
     */
    private void trim(long now) {
        if (entries.size() < maxEntries) {
            return;
        }
        if (now >= noneUsedUpBefore) {
            long earliest = Long.MAX_VALUE;
            for (Iterator<Entry> all = entries.values().iterator(); all.hasNext(); ) {
                Entry entry = all.next();
                if (entry.token.isDone()) {
                    if (now >= entry.usableUntil) {
                        all.remove();
                    } else {
                        earliest = Math.min(earliest, entry.usableUntil);
                    }
                }
            }
            // an exchange in flight lowers it when it is done (fetch())
            noneUsedUpBefore = earliest;
        }
        Iterator<Entry> eldestFirst = entries.values().iterator();
        while (entries.size() >= maxEntries && eldestFirst.hasNext()) {
            if (eldestFirst.next().token.isDone()) {
                eldestFirst.remove();
            }
        }
    }

    private void fetch(Entry entry, String key, String subjectToken) {
        try {
            AccessToken token = new RetryingTokenSource(config, TokenSource.reporting(
                    (timeout, sent) -> endpoint.exchangeToken(subjectToken, timeout, sent)), () -> events)
                    .fetch(config.timing().acquisitionTimeout());
            entry.usableUntil = usableUntil(token, JwtExpiry.of(subjectToken));
            entry.token.complete(token);
            synchronized (entries) {
                noneUsedUpBefore = Math.min(noneUsedUpBefore, entry.usableUntil);
                // back within the bound once the exchanges that held it above are done
                if (entries.size() > maxEntries) {
                    trim(clock.millis());
                }
            }
            LOG.fine(() -> "client '" + config.name() + "': exchanged an incoming token for " + token);
        } catch (RuntimeException | Error e) {
            // whatever it is, the entry leaves the map and its waiters are released, or they would wait out their
            // timeout for ever after
            synchronized (entries) {
                entries.remove(key, entry);
            }
            entry.token.completeExceptionally(e);
            if (e instanceof Error) {
                throw (Error) e;
            }
        }
    }

    private static long usableUntil(AccessToken token, Instant subjectExpiry) {
        long expires = token.expiresAt().toEpochMilli();
        if (subjectExpiry != null) {
            expires = Math.min(expires, subjectExpiry.toEpochMilli());
        }
        long lifetime = Math.max(0, expires - token.issuedAt().toEpochMilli());
        return expires - Math.min(RefreshPlan.EXPIRY_MARGIN_MILLIS, lifetime / 10);
    }

    private AccessToken await(Entry entry) {
        Duration timeout = config.timing().acquisitionTimeout();
        try {
            return entry.token.get(Durations.nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw TokenException.builder(ErrorCode.TOKEN_ENDPOINT_UNREACHABLE).clientName(config.name())
                    .message("no exchanged token within the acquisition timeout of " + Durations.millis(timeout)
                            + " ms").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TokenException.builder(ErrorCode.INTERRUPTED).clientName(config.name())
                    .message("interrupted while waiting for an exchanged token").build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TokenException) {
                throw ((TokenException) cause).forCaller();
            }
            throw TokenException.builder(ErrorCode.INTERNAL_ERROR).clientName(config.name())
                    .message("the token exchange failed (" + cause.getClass().getName() + ")").cause(cause).build();
        }
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ExchangedTokens[client=" + config.name() + ", entries=" + size() + "]";
    }
}
