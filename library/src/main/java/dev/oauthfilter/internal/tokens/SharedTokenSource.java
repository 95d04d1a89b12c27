package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;
import dev.oauthfilter.ErrorCode;
import dev.oauthfilter.OAuthClientConfig;
import dev.oauthfilter.TokenException;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A token source shared by every member of a fleet through a {@link SharedStore}: the one fleet-wide flight of a
 * source's token. Consulted only when the local provider needs a token (none yet, STALE or EXPIRED), so the cached
 * path stays local.
 *
 * <p>A fetch adopts the token in the store when it is not stale yet; otherwise it takes the source's lease (an
 * atomic {@code putIfAbsent}, or a {@code replace} of a lease that ran out: a member that died while fetching holds
 * nobody up for longer than the lease time), fetches through the local source (retries included), publishes the
 * token sealed ({@link TokenSeal}) and gives the lease back. Members that find the lease held wait for the token it
 * brings, polling, within the caller's time. When the store fails or does not answer in time, the fetch goes on
 * locally, as without sharing, and the store is left alone for a while: one WARNING per episode.
 *
 * <p>Nothing read from the store is trusted unless the source's seal authenticates it (tokens, leases, cooldowns),
 * and no wait read from it lasts longer than {@code max-retry-after} or the marker's own lifetime in the store: a
 * writer without the credential can at worst make a member fetch its own token. The seal follows the credential
 * ({@link FleetSeals}): after a secret file is rotated, tokens are sealed and looked up under the new secret's seal.
 */
final class SharedTokenSource implements TokenSource {

    private static final Logger LOG = Logger.getLogger(SharedTokenSource.class.getName());
    private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    // after a failure of the store, fetches go straight to the endpoint for this long
    private static final long RETRY_STORE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final OAuthClientConfig config;
    private final FleetSeals seals;
    private final SharedStore store;
    private final TokenSource local;
    private final Clock clock;
    private volatile long storeDownUntil;
    private volatile boolean storeDown;
    // the token a protected service refused here last: neither it nor one issued before it is adopted again (a
    // copy of an older sealed token put back by a cache writer is just as revoked)
    private volatile AccessToken refused;
    private volatile TokenSeal lastSeal;

    SharedTokenSource(OAuthClientConfig config, FleetSeals seals, SharedStore store, TokenSource local, Clock clock) {
        this.config = config;
        this.seals = seals;
        this.store = store;
        this.local = local;
        this.clock = clock;
    }

    @Override
    public AccessToken fetch(Duration timeout) {
        // Deadlines bound real waiting, so they use the monotonic nanoTime, not the (test-controlled) Clock.
        long start = System.nanoTime();
        long budget = Durations.nanos(timeout);
        if (storeDown && System.nanoTime() - storeDownUntil < 0) {
            return local.fetch(timeout);
        }
        // the fleet gets half of the caller's time (store calls, waiting for another member's token); the other
        // half is kept for a fetch of this member's own, so that no caller fails where a local fetch would serve it
        long fleetDeadline = start + budget / 2;
        TokenSeal seal = seals.current().orElse(null);
        if (seal == null) {
            // the credential cannot be read now: the fetch of this member says why, and the fleet hears nothing
            return local.fetch(timeout);
        }
        lastSeal = seal;
        long pause = FIRST_POLL_NANOS;
        try {
            while (true) {
                Optional<AccessToken> shared = adoptable(seal, fleetDeadline);
                storeBack();
                if (shared.isPresent()) {
                    return shared.get();
                }
                long now = clock.millis();
                SharedStore.Lease lease = store.lease(seal, now, fleetDeadline);
                if (lease.taken) {
                    return fetchAndPublish(seal, lease.value, fleetDeadline, remaining(start, budget));
                }
                Optional<String> failedWith = lease.cooldownCode();
                if (failedWith.isPresent()) {
                    throw cooledDown(failedWith.get(), lease.until() - now);
                }
                long left = fleetDeadline - System.nanoTime();
                if (left <= 0) {
                    LOG.fine(() -> "client '" + config.name() + "': another member of the fleet is still fetching;"
                            + " fetching here too rather than keep the caller waiting");
                    return local.fetch(remaining(start, budget));
                }
                sleep(Math.min(pause, left));
                pause = Math.min(pause * 2, MAX_POLL_NANOS);
            }
        } catch (SharedStore.Unavailable e) {
            if (e.storeFault()) {
                storeFailed(e);
            }
            return local.fetch(remaining(start, budget));
        }
    }

    /**
     * Drops {@code rejected} from the store if the store still holds it, so that no member adopts a token a
     * protected service refused; in the background, and not while the store is known to be down.
     */
    void invalidate(AccessToken rejected) {
        // never adopted again by this member, even while the store still holds it or cannot be reached
        AccessToken previous = refused;
        if (previous == null || !rejected.issuedAt().isBefore(previous.issuedAt())) {
            refused = rejected;
        }
        if (storeDown && System.nanoTime() - storeDownUntil < 0) {
            return;
        }
        // the entry of the seal the token was fetched or adopted under: no file read or key derivation here, on the
        // thread of the response that refused it
        TokenSeal seal = lastSeal;
        if (seal != null) {
            store.removeIf(seal.entryName(), sealed -> seal.open(sealed)
                    .map(token -> token.value().equals(rejected.value())).orElse(false), this::storeFailed);
        }
    }

    private AccessToken fetchAndPublish(TokenSeal seal, String lease, long fleetDeadline, Duration timeout) {
        String name = seal.entryName();
        Optional<AccessToken> shared;
        try {
            // another member may have published between the read and the lease
            shared = adoptable(seal, fleetDeadline);
        } catch (SharedStore.Unavailable e) {
            shared = Optional.empty();
        }
        if (shared.isPresent()) {
            store.release(name, lease, this::storeFailed);
            return shared.get();
        }
        AccessToken token;
        try {
            token = local.fetch(timeout);
        } catch (TokenException failure) {
            coolDown(seal, lease, failure);
            throw failure;
        } catch (RuntimeException unexpected) {
            store.release(name, lease, this::storeFailed);
            throw unexpected;
        }
        // the request may have been authenticated by a secret rotated since the seal was chosen: such a token is
        // not the old seal's to publish (whoever held the old secret would open it)
        Optional<TokenSeal> now = seals.current();
        String sealed = now.filter(current -> current == seal).map(current -> current.seal(token)).orElse(null);
        if (sealed == null || sealed.length() > TokenSeal.MAX_SEALED_CHARS) {
            store.release(name, lease, this::storeFailed);
            LOG.fine(() -> "client '" + config.name() + "': " + token + " not published to the fleet ("
                    + (now.orElse(null) != seal ? "the credential changed during the request" : "too large") + ")");
            return token;
        }
        store.publish(name, sealed,
                Duration.ofMillis(Math.max(0, token.expiresAt().toEpochMilli() - clock.millis())), lease,
                this::storeFailed);
        LOG.fine(() -> "client '" + config.name() + "': publishing " + token + " to the fleet");
        return token;
    }

    /**
     * Lets the fleet share this member's failure for the cooldown, as callers of one member share it: only a failure
     * of the token endpoint itself ({@link FleetFailures}); the lease is simply given back after any other.
     */
    private void coolDown(TokenSeal seal, String lease, TokenException failure) {
        Optional<String> shared = FleetFailures.toShare(failure);
        if (shared.isEmpty()) {
            store.release(seal.entryName(), lease, this::storeFailed);
            return;
        }
        long cooldown = Math.max(Durations.millis(config.timing().failureCooldown()),
                Durations.cappedMillis(failure.retryAfter().orElse(Duration.ZERO), config.timing().maxRetryAfter()));
        long now = clock.millis();
        store.coolDown(seal, lease, shared.get(), now, Durations.saturatedSum(now, cooldown), this::storeFailed);
    }

    private TokenException cooledDown(String failure, long remainingMillis) {
        ErrorCode code = FleetFailures.code(failure);
        // a wait read from the store is capped like one a server asks for (the store capped it at the marker's life)
        long wait = Math.min(Math.max(0, remainingMillis), Durations.millis(config.timing().maxRetryAfter()));
        return TokenException.builder(code).clientName(config.name())
                .message("another member of the fleet just failed to get a token (" + code.name() + "); the fleet"
                        + " waits " + wait + " ms before the next request")
                .retryable(FleetFailures.retryable(failure)).retryAfter(Duration.ofMillis(wait)).build();
    }

    /**
     * The token in the store, when it opens with this source's seal, is neither one this member saw refused nor
     * issued before it, and is not due for refresh by any member's window.
     */
    private Optional<AccessToken> adoptable(TokenSeal seal, long deadline) {
        long now = clock.millis();
        AccessToken rejected = refused;
        return store.token(seal.entryName(), deadline).flatMap(seal::open).filter(token -> (rejected == null
                || !token.value().equals(rejected.value()) && token.issuedAt().isAfter(rejected.issuedAt()))
                && RefreshPlan.freshForEveryMember(token, config.timing().refreshBefore(), now)).map(token -> {
            LOG.fine(() -> "client '" + config.name() + "': adopted " + token + " from the fleet");
            return token;
        });
    }

    private void storeFailed(SharedStore.Unavailable e) {
        LOG.log(Level.FINE, "client '" + config.name() + "': the shared token store failed", e.getCause());
        storeDownUntil = System.nanoTime() + RETRY_STORE_AFTER_NANOS;
        if (!storeDown) {
            storeDown = true;
            LOG.warning(() -> "client '" + config.name() + "': " + e.getMessage() + "; fetching tokens without the"
                    + " fleet for " + TimeUnit.NANOSECONDS.toSeconds(RETRY_STORE_AFTER_NANOS) + " s at a time until"
                    + " it answers again");
        }
    }

    private void storeBack() {
        if (storeDown) {
            storeDown = false;
            LOG.info(() -> "client '" + config.name() + "': the shared token store answers again");
        }
    }

    private static Duration remaining(long start, long budget) {
        return Duration.ofNanos(Math.max(1, budget - (System.nanoTime() - start)));
    }

    private void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TokenException.builder(ErrorCode.INTERRUPTED).clientName(config.name())
                    .message("interrupted while waiting for another member's token").build();
        }
    }
}
