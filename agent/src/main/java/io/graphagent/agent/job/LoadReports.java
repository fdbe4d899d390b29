package io.graphagent.agent.job;

import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.LoadScanned;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ShuffleDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each step of a partitioned load tells the coordinator (LoadScanned, ShuffleDone,
 * LoadDone, or the failure's kind) and the log (one event line per step done). Job thread.
 */
final class LoadReports {
    private static final Logger log = LoggerFactory.getLogger(LoadReports.class);

    private final Answers answers;

    LoadReports(Answers answers) {
        this.answers = answers;
    }

    /** The command failed: {@code kind} and the message that names what and the fix. */
    void fail(CoordinatorLink link, Command command, FailureKind kind, String message) {
        answers.fail(link, command, kind, message);
    }

    /** A shuffle's or a build's {@link LoadException}: the input's fault, the heap's, or a peer's. */
    void fail(CoordinatorLink link, Command command, LoadException e) {
        answers.fail(link, command, e.badInput() ? FailureKind.LOAD_FAILED
                : e.outOfMemory() ? FailureKind.OUT_OF_MEMORY : FailureKind.PEER_UNREACHABLE, e.getMessage());
    }

    /** An Abort of the job arrived before its LoadPartitions could start. */
    void skipped(CoordinatorLink link, Command command) {
        log.info("event=load_skipped job={} epoch={} detail=\"the job was aborted before its load started\"",
                command.getJobId(), command.getJobEpoch());
        fail(link, command, FailureKind.LOAD_FAILED, "load superseded: job " + command.getJobId() + " was aborted");
    }

    /** The load was no longer the job's (a rollback, an abort, a fence) while it waited or read. */
    void superseded(CoordinatorLink link, Command command, InterruptedException e) {
        fail(link, command, FailureKind.LOAD_FAILED, "load superseded: " + e.getMessage());
    }

    void scanned(CoordinatorLink link, Command command, LoadScanned scanned) {
        log.info("event=load_scanned job={} vertex_records={} edge_records={} bytes_read={}", command.getJobId(),
                scanned.getVertexRecords(), scanned.getEdgeRecords(), scanned.getBytesRead());
        answers.reply(link, command, Report.newBuilder().setLoadScanned(scanned));
    }

    void shuffled(CoordinatorLink link, Command command, ShuffleDone done) {
        log.info("event=load_shuffled job={} edges_shipped={} entries_received={}", command.getJobId(),
                done.getEdgesShipped(), done.getEntriesReceived());
        answers.reply(link, command, Report.newBuilder().setShuffleDone(done));
    }

    /** A resident graph's share built in {@code ms} and kept, with no job over it. */
    void residentLoaded(CoordinatorLink link, Command command, String graph, GraphShare share, long ms, long edgesShipped) {
        log.info("event=resident_loaded graph={} generation={} partitions={} vertices={} mirrors={} edge_entries={}"
                + " share_bytes={} build_ms={}", graph, command.getJobEpoch(), share.owned().length,
                share.ownedVertices(), share.mirrors(), share.edgeEntries(), share.sizeInBytes(), ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, null)
                .setEdgesShipped(edgesShipped)));
    }

    /** A job's share built in {@code ms} and its kernel started over it. */
    void jobLoaded(CoordinatorLink link, Command command, AgentJob job, GraphShare share, long buildPeakBytes, long ms,
                   long edgesShipped) {
        log.info("event=job_loaded job={} partitions={} vertices={} mirrors={} edge_entries={} share_bytes={}"
                + " build_peak_bytes={} build_ms={}", command.getJobId(), share.owned().length, share.ownedVertices(),
                share.mirrors(), share.edgeEntries(), share.sizeInBytes(), buildPeakBytes, ms);
        answers.reply(link, command, Report.newBuilder().setLoadDone(LoadFacts.of(share, ms, job)
                .setEdgesShipped(edgesShipped)));
    }
}
