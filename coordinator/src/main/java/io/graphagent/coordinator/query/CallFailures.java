package io.graphagent.coordinator.query;

import io.graphagent.coordinator.resident.GraphView;
import io.grpc.Status;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed request to a replica means for its query: the end of it (its deadline passed,
 * or the agent refused the request as invalid), or a retry of the request's partitions on
 * another replica, noted against each partition ({@link ReplicaTries}) and counted by cause.
 * Thread-safe (each call works for one query).
 */
final class CallFailures {
    private static final Logger log = LoggerFactory.getLogger(CallFailures.class);
    private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d+) ms");

    /** Counts retries by cause, for metrics. */
    @FunctionalInterface
    interface RetryCounter {
        void retried(String cause);
    }

    private final RetryCounter retries;

    CallFailures(RetryCounter retries) {
        this.retries = retries;
    }

    /** Partition {@code p} was sent to {@code agent}, which answered that it does not hold it. */
    void notHeld(QueryRun run, ReplicaTries[] tries, int p, String agent) {
        triesOf(tries, p).failed(agent, ReplicaFailure.notHeld("it does not hold the partition"), -1);
        run.retries++;
        retries.retried(ReplicaFailure.NOT_HELD);
    }

    /**
     * The request for {@code partitions[0..n)} to {@code agent} failed with {@code cause}: noted
     * against each partition to be routed elsewhere, or thrown when it ends the query.
     */
    void failed(QueryRun run, GraphView g, String agent, int[] partitions, int n, ReplicaTries[] tries, Throwable cause)
            throws QueryException {
        if (cause instanceof NotAlive notAlive) {
            retry(run, g, agent, partitions, n, tries, ReplicaFailure.notAlive(notAlive.membershipCause), -1);
            return;
        }
        Status status = Status.fromThrowable(cause);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && run.deadline.isExpired()) {
            throw run.expired();
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
            throw new QueryException(QueryException.Kind.BAD_REQUEST, "agent " + agent + " refused the request: "
                    + status.getDescription());
        }
        ReplicaFailure failure = ReplicaFailure.of(cause);
        retry(run, g, agent, partitions, n, tries, failure, failure.busy() ? retryAfterOf(status.getDescription()) : -1);
    }

    private void retry(QueryRun run, GraphView g, String agent, int[] partitions, int n, ReplicaTries[] tries,
                       ReplicaFailure failure, long retryAfterMs) {
        for (int i = 0; i < n; i++) {
            triesOf(tries, partitions[i]).failed(agent, failure, retryAfterMs);
        }
        run.retries++;
        retries.retried(failure.label());
        if (log.isDebugEnabled()) {
            log.debug("event=query_retry cause={} graph={} agent={} partitions={} detail=\"{}\"", failure.label(), g.name(),
                    agent, Arrays.toString(Arrays.copyOf(partitions, n)), failure.detail());
        }
    }

    private static ReplicaTries triesOf(ReplicaTries[] tries, int p) {
        if (tries[p] == null) {
            tries[p] = new ReplicaTries();
        }
        return tries[p];
    }

    /** The "retry after N ms" of an agent's busy answer, or 10 ms. */
    static long retryAfterOf(String description) {
        if (description != null) {
            Matcher m = RETRY_AFTER.matcher(description);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 10;
    }

    /** A replica routed to whose session left ALIVE before the request went out. */
    static final class NotAlive extends Exception {
        private static final long serialVersionUID = 1L;
        final transient String membershipCause;

        NotAlive(String membershipCause) {
            super("its session is no longer ALIVE", null, false, false);
            this.membershipCause = membershipCause;
        }
    }
}
