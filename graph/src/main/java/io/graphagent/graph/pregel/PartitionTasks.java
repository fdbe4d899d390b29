package io.graphagent.graph.pregel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs a phase's task for every owned partition on the compute pool (owned by the caller)
 * and waits for all of them: the barrier between phases. A task's failure is rethrown as
 * thrown. Called by the runner's driver, one phase at a time.
 */
final class PartitionTasks {
    private final int[] owned;
    private final ExecutorService pool;

    PartitionTasks(int[] owned, ExecutorService pool) {
        this.owned = owned;
        this.pool = pool;
    }

    /** Runs {@code task} for every owned partition and waits; {@code superstep} names the phase if interrupted. */
    void run(IntConsumer task, int superstep) {
        List<Callable<Void>> tasks = new ArrayList<>(owned.length);
        for (int p : owned) {
            tasks.add(() -> {
                task.accept(p);
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during superstep " + superstep, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
