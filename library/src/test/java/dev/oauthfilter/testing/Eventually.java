package dev.oauthfilter.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for what happens in the background (a shared store's writes run on its own threads after the caller
 * has its token): polls the condition every millisecond, at most for the limit. Not a way to let time pass.
 */
public final class Eventually {

    private Eventually() {
    }

    /** @return whether {@code condition} held within {@code limit} */
    public static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Fails the test unless {@code condition} holds within {@code limit}. */
    public static void await(Duration limit, BooleanSupplier condition) {
        if (!within(limit, condition)) {
            throw new AssertionError("not within " + limit.toMillis() + " ms");
        }
    }
}
