package dev.oauthfilter.internal.tokens;

import dev.oauthfilter.AccessToken;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One token and the instants (epoch millis) at which it turns STALE (refresh in the background) and EXPIRED
 * (callers must wait for a new one). Immutable: published through a volatile field and read without locks.
 */
final class RefreshPlan {

    // A token this close to its expiry could expire on its way to the protected service.
    static final long EXPIRY_MARGIN_MILLIS = 5_000;
    private static final double MAX_JITTER = 0.1;

    final AccessToken token;
    final long staleAt;
    final long expiredAt;
    final long nextAttemptAt;

    private RefreshPlan(AccessToken token, long staleAt, long expiredAt, long nextAttemptAt) {
        this.token = token;
        this.staleAt = staleAt;
        this.expiredAt = expiredAt;
        this.nextAttemptAt = nextAttemptAt;
    }

    /**
     * Plans a fresh token: STALE {@code min(refreshBefore, lifetime / 2)} before expiry, minus up to 10% jitter so
     * that many instances started together do not refresh together; EXPIRED {@code min(5 s, lifetime / 10)}
     * before expiry.
     */
    static RefreshPlan of(AccessToken token, Duration refreshBefore) {
        long issued = token.issuedAt().toEpochMilli();
        long expires = token.expiresAt().toEpochMilli();
        long lifetime = expires - issued;
        // a refresh-before of years would overflow toMillis(): it is capped by half the lifetime anyway
        long window = refreshBefore.compareTo(Duration.ofMillis(lifetime / 2)) > 0 ? lifetime / 2
                : refreshBefore.toMillis();
        long jitter = (long) (window * MAX_JITTER * ThreadLocalRandom.current().nextDouble());
        long expiredAt = expires - Math.min(EXPIRY_MARGIN_MILLIS, lifetime / 10);
        long staleAt = Math.min(expires - window - jitter, expiredAt);
        return new RefreshPlan(token, staleAt, expiredAt, staleAt);
    }

    /**
     * Whether no member, whatever its jitter, would count {@code token} as due for refresh at {@code now}: a token
     * another member published is adopted only then, so that a member whose own copy is stale never adopts it again.
     */
    static boolean freshForEveryMember(AccessToken token, Duration refreshBefore, long now) {
        long issued = token.issuedAt().toEpochMilli();
        long expires = token.expiresAt().toEpochMilli();
        long lifetime = expires - issued;
        long window = refreshBefore.compareTo(Duration.ofMillis(lifetime / 2)) > 0 ? lifetime / 2
                : refreshBefore.toMillis();
        long earliestStale = expires - window - (long) (window * MAX_JITTER);
        return now < earliestStale && now < expires - Math.min(EXPIRY_MARGIN_MILLIS, lifetime / 10);
    }

    /** The same token, with the next background refresh attempt put off until {@code at}. */
    RefreshPlan retryAt(long at) {
        return new RefreshPlan(token, staleAt, expiredAt, at);
    }

    boolean isUsable(long now) {
        return now < expiredAt;
    }

    boolean shouldRefresh(long now) {
        return now >= staleAt && now >= nextAttemptAt;
    }
}
