package io.graphagent.agent.job;

import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.load.SplitAccess;
import io.graphagent.agent.load.SplitFetcher;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.load.GraphInputException;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.InputTransfer;
import io.graphagent.protocol.v1.LoadPartitions;
import io.graphagent.protocol.v1.LoadScanned;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of a partitioned load: this agent's splits of the input parsed (read where
 * the coordinator named them, or streamed from the coordinator when this agent cannot read
 * them or job.input-transfer says so), the records kept for the shuffle. A scan that fails
 * answers the kind of its failure: the input's (a malformed line), the heap's, the files'
 * (cannot be read), or superseded. Job thread.
 */
final class SplitScan {
    private static final Logger log = LoggerFactory.getLogger(SplitScan.class);

    private final LoadsInProgress loads;
    private final PeerCheckpoints.Dialer dialer;
    private final LoadReports reports;
    /** Bound on a split's fetch from the coordinator. */
    private final Duration exchangeTimeout;
    /** Where streamed splits are kept while parsed (agent.work-dir/input). */
    private final Path inputDir;

    SplitScan(LoadsInProgress loads, PeerCheckpoints.Dialer dialer, LoadReports reports, Duration exchangeTimeout,
              Path inputDir) {
        this.loads = loads;
        this.dialer = dialer;
        this.reports = reports;
        this.exchangeTimeout = exchangeTimeout;
        this.inputDir = inputDir;
    }

    /**
     * Parses the splits the LoadPartitions command gives this agent into {@code loading}'s load,
     * until it is no longer the job's load in progress; null after ending it and answering the
     * failure (ended first, so that a heap collected after a failure finds the records gone).
     */
    LoadScanned scan(Command command, CoordinatorLink link, LoadsInProgress.Loading loading) {
        LoadPartitions order = command.getLoadPartitions();
        String jobId = command.getJobId();
        try {
            SplitAccess access = SplitAccess.choose(order.getInput(), order.getTransfer(),
                    new SplitFetcher(jobId, dialer.channel(link.coordinatorAddress()), exchangeTimeout, inputDir));
            if (access.streamed()) {
                log.info("event=input_streamed job={} transfer={} reason=\"{}\" detail=\"splits come from the coordinator at {}\"",
                        jobId, order.getTransfer(), order.getTransfer() == InputTransfer.INPUT_TRANSFER_STREAM
                                ? "job.input-transfer is stream" : "this agent cannot read " + order.getInput().getEdgeFile(),
                        link.coordinatorAddress());
            }
            return loading.load().scan(order.getSplitsList(), access, loads.stopped(jobId, loading));
        } catch (InterruptedException | LoadException | GraphInputException | IOException | TlsFilesException e) {
            loads.end(jobId, loading);
            failed(link, command, e);
            return null;
        }
    }

    /** Answers a scan's failure, its load ended. */
    private void failed(CoordinatorLink link, Command command, Exception e) {
        String jobId = command.getJobId();
        switch (e) {
            case InterruptedException stopped -> {
                log.info("event=load_stopped job={} epoch={} detail=\"{}\"", jobId, command.getJobEpoch(),
                        stopped.getMessage());
                reports.superseded(link, command, stopped);
            }
            case LoadException heap -> {
                log.warn("event=command_failed cause=out_of_memory job={} command=LOAD_PARTITIONS detail=\"{}\"",
                        jobId, heap.getMessage());
                FailedJobHeap.release(jobId, "heap thrashing while parsing");
                reports.fail(link, command, FailureKind.OUT_OF_MEMORY, heap.getMessage());
            }
            case GraphInputException input -> reports.fail(link, command, FailureKind.LOAD_FAILED, input.getMessage());
            default -> reports.fail(link, command, FailureKind.IO_ERROR, "cannot read the graph: " + e.getMessage());
        }
    }
}
