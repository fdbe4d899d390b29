package io.graphagent.coordinator.membership;

import io.graphagent.coordinator.membership.AgentDirectory.ReportSink;
import io.graphagent.protocol.v1.Report;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the reports of a session's own epoch through to the {@link ReportSink}; refuses, counts
 * and fences any other, so a stale report never reaches the job layer. {@link #check} runs under
 * {@link Membership}'s lock; the sink and the count may be read and set from any thread.
 */
final class ReportGate {

    /** Membership's logger: the gate's lines belong to membership's log. */
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final Fencing fencing;
    private final AtomicLong refused = new AtomicLong();
    private volatile ReportSink sink;

    ReportGate(Fencing fencing) {
        this.fencing = fencing;
    }

    void setSink(ReportSink sink) {
        this.sink = sink;
    }

    /** Reports refused for a stale epoch since start. */
    long refused() {
        return refused.get();
    }

    /**
     * Queues {@code report} for the sink when it is of the session's current epoch; otherwise
     * refuses it and fences the session (or the stream of a session that is over).
     *
     * @param record the agent's record, or null when the agent is unknown
     */
    void check(MemberSession session, AgentRecord record, Report report, Instant now, List<Runnable> after) {
        boolean current = record != null && record.isCurrent(session);
        if (current && record.epoch.matches(report.getSessionEpoch())) {
            ReportSink to = sink;
            if (to == null) {
                log.warn("event=report_dropped agent={} command={} detail=\"no report sink registered\"",
                        session.agentId(), report.getCommandId());
            } else {
                after.add(() -> to.onReport(session.agentId(), report));
            }
            return;
        }
        long total = refused.incrementAndGet();
        log.warn("cause=fenced event=report_refused agent={} command={} job={} report_epoch={} session_epoch={}"
                        + " refused_total={}", session.agentId(), report.getCommandId(), report.getJobId(),
                report.getSessionEpoch(), current ? record.epoch : session.epoch(), total);
        if (current) {
            fencing.fence(record, now, "report of epoch " + report.getSessionEpoch() + " on the session of epoch " + record.epoch,
                    report.getSessionEpoch(), after);
        } else {
            Fencing.fenceStream(session, report.getSessionEpoch(), record, "report on a session that is over", after);
        }
    }
}
