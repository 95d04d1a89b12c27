package dev.oauthfilter.internal.tokens;

import java.time.Duration;

/**
 * Duration arithmetic that saturates instead of overflowing: settings and server-sent values (a Retry-After of
 * {@code Long.MAX_VALUE} seconds) must never turn into an {@link ArithmeticException} on the token path.
 */
final class Durations {

    private Durations() {
    }

    static long millis(Duration duration) {
        return duration.isNegative() ? 0 : duration.getSeconds() >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE
                : duration.toMillis();
    }

    static long nanos(Duration duration) {
        return duration.isNegative() ? 0 : duration.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : duration.toNanos();
    }

    static long saturatedSum(long a, long b) {
        long sum = a + b;
        // overflow only when both have the same sign and the sum's differs
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    /** @return {@code asked}, at most {@code limit}, in milliseconds */
    static long cappedMillis(Duration asked, Duration limit) {
        return millis(asked.compareTo(limit) > 0 ? limit : asked);
    }
}
