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
     * Starts a worker while there is room and a refresh waits. Called after each arrival and after each worker ends: a
     * refresh queued while every place was taken is run by a worker that is still going, or started by the end of one.
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
            Runnable first = waiting.poll();
            if (first == null) {
                running.decrementAndGet();
                continue;
            }
            try {
                executor.execute(() -> work(first));
            } catch (RejectedExecutionException e) {
                // as for a refresh the executor rejects outright: it runs on the thread at hand (a refresh left queued
                // would keep its source's request in flight for ever)
                work(first);
            }
        }
    }

    /**
     * Runs {@code first}, then whichever refreshes wait, in one thread of the executor (no new task per refresh, and
     * no recursion through an executor that runs tasks on the calling thread); then gives its place back.
     */
    private void work(Runnable first) {
        try {
            for (Runnable next = first; next != null; next = waiting.poll()) {
                next.run();
            }
        } finally {
            running.decrementAndGet();
        }
        // a refresh that arrived after the last poll, while this worker still held its place
        drain();
    }
}
