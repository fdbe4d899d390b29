package io.graphagent.agent.job;

import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the job layer answers the coordinator: each report of a command stamped with its id,
 * job and epoch, kept for a repeat of the command, and sent on the session, waiting up to the
 * lease for a session that broke to come back. Job thread.
 */
final class Answers {
    private static final Logger log = LoggerFactory.getLogger(Answers.class);

    private final ReplyLog replies;
    private final Duration leaseTtl;
    /** Data address of every peer of the jobs held, by agent id (for Failure.peer_address). */
    private final Map<String, String> dataAddresses;

    /** The agent's clock: how long a report waits for its session to come back. */
    private final java.time.Clock clock;

    Answers(ReplyLog replies, Duration leaseTtl, Map<String, String> dataAddresses, java.time.Clock clock) {
        this.clock = clock;
        this.replies = replies;
        this.leaseTtl = leaseTtl;
        this.dataAddresses = dataAddresses;
    }

    void reply(CoordinatorLink link, Command command, Report.Builder report) {
        Report r = report.setCommandId(command.getCommandId()).setJobId(command.getJobId())
                .setJobEpoch(command.getJobEpoch()).build();
        replies.sent(command.getCommandId(), r);
        send(link, r);
    }

    void send(CoordinatorLink link, Report r) {
        // A session that broke resumes within the lease with the same epoch: keep the report
        // until then rather than drop it (the coordinator would wait for it in vain).
        long deadline = clock.millis() + leaseTtl.toMillis();
        while (!link.report(r)) {
            if (clock.millis() > deadline) {
                log.warn("event=report_dropped cause=stream_broken job={} report={} detail=\"no session for {} ms\"",
                        r.getJobId(), r.getKindCase(), leaseTtl.toMillis());
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(REPORT_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How often a report waits for its session to come back. */
    static final Duration REPORT_RETRY = Duration.ofMillis(50);

    /**
     * The peer at its data address, for the coordinator to count it lost, with the connection's
     * DisconnectCause label when known; retryable by a rollback.
     */
    void peerUnreachable(CoordinatorLink link, Command command, String peer, String message, String cause) {
        reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.PEER_UNREACHABLE)
                .setMessage(message).setPeerAddress(dataAddresses.getOrDefault(peer, "")).setCause(cause).setRetryable(true)));
    }

    void fail(CoordinatorLink link, Command command, FailureKind kind, String message) {
        reply(link, command, Report.newBuilder().setFailure(Failure.newBuilder().setKind(kind).setMessage(message)));
    }
}
