package dev.oauthfilter.testing;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that only queues: the test decides when background work runs. */
public final class ManualExecutor implements Executor {

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable command) {
        queue.add(command);
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
