package io.graphagent.agent.job;

import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Command;

/**
 * The second step of a partitioned load: the records scanned shipped to the agents owning
 * their partitions, and the peers' records taken in, until every peer is done or the load is
 * superseded. A shuffle that fails ends its load and answers: the input's fault, or a peer's.
 * Job thread.
 */
final class RecordShuffle {
    private final LoadsInProgress loads;
    private final LoadReports reports;

    RecordShuffle(LoadsInProgress loads, LoadReports reports) {
        this.loads = loads;
        this.reports = reports;
    }

    /** Runs the ShufflePartitions command over {@code loading} and answers ShuffleDone or the failure. */
    void shuffle(Command command, CoordinatorLink link, LoadsInProgress.Loading loading) {
        try {
            reports.shuffled(link, command, loading.load().shuffle(command.getShufflePartitions(),
                    loads.stopped(command.getJobId(), loading)));
        } catch (LoadException e) {
            loads.end(command.getJobId(), loading);
            if (e.outOfMemory()) {
                // A peer's batch ran out of heap on a network thread: what it took in is dropped, collect it now.
                FailedJobHeap.release(command.getJobId(), "out of heap taking in peers' edges");
            }
            reports.fail(link, command, e);
        } catch (InterruptedException e) {
            loads.end(command.getJobId(), loading);
            reports.superseded(link, command, e);
        }
    }
}
