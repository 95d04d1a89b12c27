package dev.oauthfilter.internal.tokens;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Background refreshes of one cache's sources, at most {@code limit} on the executor at once, the others queued in
 * the order they were asked for. A background refresh is never urgent (its STALE token is served meanwhile), but ten
 * thousand clients whose tokens turn STALE together would otherwise be ten thousand threads and as many concurrent
 * requests at the token endpoint, and each caller that starts one would pay a thread's creation. Refreshes that
 * callers wait for do not come here: they go to the executor at once.
 */
final class BackgroundRefreshes implements Executor {

    private final Executor executor;
    private final int limit;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param executor where the refreshes run
     * @param limit    how many may run at once
     */
    BackgroundRefreshes(Executor executor, int limit) {
        this.executor = executor;
        this.limit = limit;
    }

    @Override
    public void execute(Runnable refresh) {
        waiting.add(refresh);
        drain();
    }

    /** @return how many refreshes wait for one of the {@code limit} places */
    int waiting() {
        return waiting.size();
    }

    /**
     * Starts waiting refreshes while there is room. Called after each arrival and after each end: a refresh queued
     * while every place was taken is started by the end of one of them.
     */
    private void drain() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= limit) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                running.decrementAndGet();
                continue;
            }
            Runnable task = () -> {
                try {
                    next.run();
                } finally {
                    running.decrementAndGet();
                    drain();
                }
            };
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                // as for a refresh the executor rejects outright: it runs on the thread at hand
                task.run();
            }
        }
    }
}
