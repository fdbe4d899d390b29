package io.graphagent.net.cause;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A coordinator's refusal of a client call (Submit, WatchJob, CancelJob) because it does not
 * lead: a standby of the etcd store, or a leader refusing Submit while etcd has no quorum (it
 * can record nothing, and its lease runs out within the TTL). One class writes it and reads it back, so the wire format
 * lives in one place: gRPC {@code UNAVAILABLE} with a description that starts with
 * {@value #PREFIX}{@code :}, names the leader as {@code leader=HOST:PORT} ({@code leader=} with
 * nothing when none is known) and, when etcd cannot elect anyone, ends with etcd's problem
 * after {@value #NO_LEADER_MARK}. {@link FailureClassifier} reads it as
 * {@link DisconnectCause#NOT_LEADER}; {@link #summary()} and {@link #fix()} are what a client
 * prints. Immutable.
 *
 * @param coordinator the refusing coordinator's id
 * @param leader      the leader's host:port, empty when none is known
 * @param etcdProblem why no coordinator can lead (etcd has no quorum...), empty when etcd is healthy
 */
public record NotLeaderRefusal(String coordinator, String leader, String etcdProblem) {

    /** Start of the description of every refused call, the {@link DisconnectCause#NOT_LEADER} label. */
    public static final String PREFIX = "not_leader";

    /** What precedes etcd's problem in a refusal made while no coordinator can lead. */
    static final String NO_LEADER_MARK = "no coordinator can lead or admit a job (leader=): ";

    private static final Pattern COORDINATOR = Pattern.compile("this coordinator \\(([^)]*)\\)");
    /** The address runs up to a space, or up to a ':' or ')' that ends it. */
    private static final Pattern LEADER = Pattern.compile("leader=(\\S*[^\\s:)])");

    public NotLeaderRefusal {
        coordinator = coordinator == null ? "" : coordinator;
        leader = leader == null ? "" : leader;
        etcdProblem = etcdProblem == null ? "" : etcdProblem;
    }

    /** The description a standby answers with: the refusal, the leader and the fix for a human reader. */
    public String description() {
        if (!etcdProblem.isEmpty()) {
            return PREFIX + ": this coordinator (" + coordinator + ") admits no job: " + NO_LEADER_MARK + etcdProblem;
        }
        return PREFIX + ": this coordinator (" + coordinator + ") is a standby; "
                + (leader.isEmpty() ? "no leader is elected yet (leader=): try again in a moment"
                : "the leader is at leader=" + leader + ": dial it, or list every coordinator in --coordinator");
    }

    /** The status a refused call fails with. */
    public Status status() {
        return Status.UNAVAILABLE.withDescription(description());
    }

    /**
     * The refusal carried by {@code failure} (a gRPC status exception anywhere in its cause
     * chain, UNAVAILABLE, its description starting with {@value #PREFIX}{@code :}), or empty.
     */
    public static Optional<NotLeaderRefusal> of(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            Status status = t instanceof StatusRuntimeException e ? e.getStatus()
                    : t instanceof StatusException e ? e.getStatus() : null;
            if (status != null) {
                Optional<NotLeaderRefusal> refusal = of(status);
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
        }
        return Optional.empty();
    }

    /** The refusal a status stands for, or empty when it is not one. */
    public static Optional<NotLeaderRefusal> of(Status status) {
        String d = status.getDescription();
        if (status.getCode() != Status.Code.UNAVAILABLE || d == null || !d.startsWith(PREFIX + ":")) {
            return Optional.empty();
        }
        Matcher coordinator = COORDINATOR.matcher(d);
        int mark = d.indexOf(NO_LEADER_MARK);
        String problem = mark < 0 ? "" : d.substring(mark + NO_LEADER_MARK.length()).strip();
        Matcher leader = LEADER.matcher(d);
        return Optional.of(new NotLeaderRefusal(coordinator.find() ? coordinator.group(1) : "",
                mark < 0 && leader.find() ? leader.group(1) : "", problem));
    }

    /** What went wrong, for a client's one line: who leads, or why no one does. */
    public String summary() {
        String who = coordinator.isEmpty() ? "the coordinator called" : "coordinator " + coordinator;
        if (!etcdProblem.isEmpty()) {
            return "no coordinator leads: " + etcdProblem + " (" + who + " admits no job)";
        }
        if (leader.isEmpty()) {
            return "no coordinator leads yet: " + who + " is a standby and an election is under way";
        }
        return who + " is a standby; the leader is at " + leader;
    }

    /** What the user does next. */
    public String fix() {
        if (!etcdProblem.isEmpty()) {
            return "start enough etcd members for a majority (`graphagent doctor --etcd URL[,URL...]` names the ones that"
                    + " do not answer); once etcd has a quorum a coordinator is elected, resumes the running jobs and"
                    + " admits new ones";
        }
        if (leader.isEmpty()) {
            return "try again in a few seconds (a leader is elected within coordinator.etcd.election-ttl);"
                    + " `graphagent status` names it once elected";
        }
        return "call the leader: --coordinator " + leader + " (or pass --etcd, which finds the leader in etcd)";
    }
}
