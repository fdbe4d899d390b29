package io.graphagent.agent.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back after a job failed or was aborted on this agent, once its state is
 * dropped: a job that failed for want of heap leaves the heap full of its records, garbage
 * now but not collected until the next allocation needs the room, so the next job would start
 * in a full heap (collection after collection while it loads) and the agent reports a heap
 * in use near its maximum. A full collection right away costs one pause of the size of what
 * is still live, and with the launcher's free-ratio policy the heap also shrinks back.
 */
final class FailedJobHeap {
    private static final Logger log = LoggerFactory.getLogger(FailedJobHeap.class);

    /** Above this share of the maximum heap in use, a dropped failed job's heap is collected at once. */
    static final double COLLECT_ABOVE = 0.5;

    private FailedJobHeap() {
    }

    /** Collects when the heap in use is over {@link #COLLECT_ABOVE} of the maximum; on the job thread, after the drop. */
    static void release(String jobId, String why) {
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory() - runtime.freeMemory();
        if (before <= COLLECT_ABOVE * runtime.maxMemory()) {
            return;
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        log.info("event=heap_collected job={} reason=\"{}\" used_before_mb={} used_after_mb={} max_mb={}", jobId, why,
                before >> 20, after >> 20, runtime.maxMemory() >> 20);
    }
}
