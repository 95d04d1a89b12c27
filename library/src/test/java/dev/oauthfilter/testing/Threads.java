package dev.oauthfilter.testing;

import java.time.Duration;
import java.util.List;

/** Waiting on other threads' states without sleeping for a guessed time. */
public final class Threads {

    private Threads() {
    }

    /** Waits until every thread is parked with a timeout (e.g. in {@code Future.get(timeout)}), or fails. */
    public static void awaitAllTimedWaiting(List<Thread> threads, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads did not all park within " + limit);
            }
            Thread.onSpinWait();
        }
    }
}
