package io.graphagent.agent.job;

import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a job epoch starts asking its peers for their mirror lists ({@link MirrorFetch}): only
 * once the job is about to pull, since the lists serve mirrored pulls alone. A job whose
 * exchanges all push (LCC sends messages, never broadcasts; a BFS or SSSP whose frontier stays
 * sparse) asks nothing. A share that keeps no out-edge targets (PageRank's) can only pull, so
 * it asks as the epoch's first superstep starts, beside compute. Any other asks once this
 * agent's own broadcasts of a superstep reach 1/16 of its edge slots
 * ({@link Delivery#pullCertain}, the rule early broadcasts follow), counted partition by
 * partition as compute goes, so that the lists travel while the rest computes. An exchange that
 * pulls without that (the other agents' broadcasts made it pull) starts the fetch itself and
 * waits for it ({@link OutgoingBatches#open}).
 *
 * <p>Thread-safety: {@link #superstepStarts} on the agent-job thread; {@link #computed} from the
 * compute threads; {@code start} runs at most once, from either.
 */
final class MirrorFetchTrigger {
    private final long edgeSlots;
    private final boolean pullsOnly;
    private final Runnable start;
    /** This agent's broadcast edges in the superstep being computed, over the partitions computed so far. */
    private final AtomicLong broadcastEdges = new AtomicLong();
    private volatile boolean fired;

    /** @param start starts the fetch unless it runs already; from any thread */
    MirrorFetchTrigger(PartitionRunner runner, Runnable start) {
        this.edgeSlots = runner.edgeSlots();
        this.pullsOnly = !runner.share().holdsOutTargets();
        this.start = start;
    }

    /** A superstep's compute begins: a share that can only pull asks now; others count afresh. */
    void superstepStarts() {
        if (fired) {
            return;
        }
        if (pullsOnly) {
            fire();
        } else {
            broadcastEdges.set(0);
        }
    }

    /** Whether {@link #computed} still has to be told about partitions. */
    boolean waiting() {
        return !fired;
    }

    /** An owned partition is computed; its broadcasts followed {@code partitionBroadcastEdges} edges. */
    void computed(long partitionBroadcastEdges) {
        if (!fired && partitionBroadcastEdges > 0
                && Delivery.pullCertain(broadcastEdges.addAndGet(partitionBroadcastEdges), edgeSlots)) {
            fire();
        }
    }

    private synchronized void fire() {
        if (!fired) {
            fired = true;
            start.run();
        }
    }
}
