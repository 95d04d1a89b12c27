package dev.oauthfilter.testing;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor whose background work runs when the test says so. */
public final class ManualExecutor implements Executor {

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean runInline = true;

    /** From now on, tasks wait in the queue for {@link #runAll()} (until then they run inline). */
    public void hold() {
        runInline = false;
    }

    @Override
    public void execute(Runnable command) {
        if (runInline) {
            command.run();
        } else {
            queue.add(command);
        }
    }

    public int pending() {
        return queue.size();
    }

    public void runAll() {
        Runnable next;
        while ((next = queue.poll()) != null) {
            next.run();
        }
    }
}
