package io.graphagent.coordinator.membership;

import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StoredSession;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's membership: one record per agent id with its state, session, epoch and
 * lease, and the only place where they change.
 *
 * <p>States: a Hello opens a session (JOINING), its first heartbeat makes it ALIVE; a broken
 * stream or heartbeats later than {@code suspect-after} make it SUSPECT; the lease running out
 * ({@code lease-ttl} after the last heartbeat) makes it DEAD; a Goodbye makes it LEFT. Every
 * transition is logged as one {@code event=agent_state} line with its cause (a
 * {@link DisconnectCause} label or a lifecycle word: {@link LifecycleCause}: {@code hello}, {@code first_heartbeat},
 * {@code heartbeat_late}, {@code heartbeat_resumed}, {@code resumed}, {@code agent_restarted},
 * {@code goodbye}) and told to the {@link MembershipListener}s in order.
 *
 * <p>Epochs: every new session takes the next number of one counter ({@link SessionEpochs}), so
 * epochs grow over the coordinator's life across all agents, and across its restarts when the
 * counter is durable. A Hello naming the session id of a session whose
 * lease still runs resumes it: same epoch, same partitions, no DEAD. Fencing: a session whose
 * lease expired is DEAD and its stream, if still open, gets {@code Fenced} and is ended;
 * heartbeats and reports of another epoch than the session's are refused the same way (the
 * reports are counted and never reach the {@link ReportSink}). Only the coordinator expires
 * leases, on {@link #tick()} (driven by {@link FailureDetector}) or when a late heartbeat finds
 * its lease already expired.
 *
 * <p>Membership orchestrates: it takes the lock, reads the clock and hands the record to the
 * part that owns the concept: {@link SessionOpener} (Hello), {@link LeaseKeeper} (heartbeats,
 * lease expiry, suspicion), {@link Fencing} (ending sessions that lost their right),
 * {@link ReportGate} (reports), {@link Disconnects} (Goodbye, broken streams),
 * {@link Takeover} (sessions carried over from a previous leader), {@link AgentRegistry} (the
 * records and the views of them) and {@link Transitions} (the event log and the listeners).
 *
 * <p>Time comes from the injected clock only. Thread-safe: state changes under one lock;
 * messages are sent and listeners called after it is released.
 */
public final class Membership implements AgentDirectory {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final SessionConfig timing;
    private final Clock clock;
    private final Transitions transitions = new Transitions();
    private final Object lock = new Object();

    /** Guarded by lock, as are the parts below that keep state. */
    private final AgentRegistry agents = new AgentRegistry();
    private final Fencing fencing;
    private final Takeover takeover;
    private final LeaseKeeper leases;
    private final SessionOpener opener;
    private final ReportGate reports;
    private final Disconnects disconnects;
    /** Whether this coordinator may still command agents (etcd store: it still leads); always true with the local store. */
    private volatile BooleanSupplier leading = () -> true;

    /**
     * @param timing heartbeat interval, lease ttl and suspect-after (session section of the config)
     * @param clock  the coordinator's time for leases and status
     * @param causes counts the causes of sessions that end badly (lease expiry, fencing, broken streams)
     */
    public Membership(SessionConfig timing, Clock clock, CauseCounter causes) {
        this(timing, clock, causes, SessionEpochs.inMemory());
    }

    /**
     * @param epochs where session epochs come from: durable (the state directory) so that a
     *               restarted coordinator never hands out an epoch of an earlier incarnation
     */
    public Membership(SessionConfig timing, Clock clock, CauseCounter causes, SessionEpochs epochs) {
        this.timing = Objects.requireNonNull(timing, "timing");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(causes, "causes");
        Objects.requireNonNull(epochs, "epochs");
        this.fencing = new Fencing(timing, causes, transitions);
        this.takeover = new Takeover(timing, agents, transitions);
        this.leases = new LeaseKeeper(timing, transitions, fencing, takeover);
        this.opener = new SessionOpener(timing, epochs, agents, transitions, leases, fencing, takeover);
        this.reports = new ReportGate(fencing);
        this.disconnects = new Disconnects(causes, transitions, this::processExited);
    }

    /** The session timing this membership enforces. */
    public SessionConfig timing() {
        return timing;
    }

    /**
     * Opens or resumes the session of a Hello the session layer has already checked (version,
     * cluster, identity).
     *
     * @param agentId         the verified agent id
     * @param protocolVersion the version negotiated for the session
     * @param connection      the stream the Hello came on
     * @return the session, or a DUPLICATE_AGENT refusal when another open stream holds the id
     */
    public Admission admit(Hello hello, String agentId, int protocolVersion, AgentConnection connection) {
        if (!leading.getAsBoolean()) {
            return new Admission.Refused(Rejections.reject(RejectReason.NOT_LEADER,
                    "this coordinator no longer leads (its etcd lease ran out): dial the current leader"));
        }
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                return opener.admit(hello, agentId, protocolVersion, connection, clock.instant(), after);
            }
        } finally {
            finish(after);
        }
    }

    /**
     * Renews the lease of a heartbeat's session and answers it with an ack, or fences the
     * session when its epoch is stale or its lease already expired.
     */
    public void heartbeat(MemberSession session, Heartbeat heartbeat) {
        if (stepsAside(session, "heartbeat")) {
            return;
        }
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                leases.heartbeat(session, agents.get(session.agentId()), heartbeat, clock.instant(), after);
            }
        } finally {
            finish(after);
        }
    }

    /**
     * Passes a report of the session's epoch to the {@link ReportSink}; refuses, counts and
     * fences any other.
     */
    public void report(MemberSession session, Report report) {
        if (stepsAside(session, "report")) {
            return;
        }
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                reports.check(session, agents.get(session.agentId()), report, clock.instant(), after);
            }
        } finally {
            finish(after);
        }
    }

    /**
     * Whether this coordinator no longer leads, in which case it ends {@code session}'s stream
     * rather than answer {@code what} on it. A leader waking from a pause past its election lease
     * gets the heartbeats queued during the pause before it notices it was deposed: acking them
     * would keep the agent off the new leader, and expiring a lease that ran out in the pause
     * would fence a session the new leader carries over (the agent would then open a new one, with
     * a new epoch). Its stream ended, the agent dials the next coordinator and resumes there.
     */
    private boolean stepsAside(MemberSession session, String what) {
        if (leading.getAsBoolean()) {
            return false;
        }
        log.warn("cause=stale_leader event=session_handed_back agent={} epoch={} on={} detail=\"this coordinator no"
                + " longer leads: the stream is ended so that the agent resumes its session on the current leader\"",
                session.agentId(), session.epoch(), what);
        session.connection().end("this coordinator no longer leads (its etcd lease ran out): resume the session on the"
                + " current leader");
        return true;
    }

    /** The agent said Goodbye on its current stream: LEFT, lease revoked. */
    public void goodbye(MemberSession session, Goodbye goodbye) {
        try {
            synchronized (lock) {
                AgentRecord record = agents.get(session.agentId());
                if (record != null && record.isCurrent(session)) {
                    disconnects.goodbye(record, goodbye, clock.instant());
                }
            }
        } finally {
            finish(List.of());
        }
    }

    /**
     * The session's stream ended without Goodbye: the agent is SUSPECT until it resumes or its
     * lease expires. A superseded stream's end changes nothing.
     */
    public void streamEnded(MemberSession session, DisconnectCause cause, String detail) {
        try {
            synchronized (lock) {
                AgentRecord record = agents.get(session.agentId());
                if (record != null && record.isCurrent(session)) {
                    disconnects.streamEnded(record, cause, detail, clock.instant());
                }
            }
        } finally {
            finish(List.of());
        }
    }

    /**
     * Checks the data port of every agent whose stream breaks from now on, and declares it DEAD
     * ({@code process_exited}) when the port refuses: a killed agent is then DEAD within about
     * {@link ExitProbe#DELAY} instead of at the end of its lease.
     */
    public void useExitProbe(ExitProbe probe) {
        disconnects.useExitProbe(probe);
    }

    /**
     * The exit probe found the data port of a disconnected session closed: DEAD, unless it resumed
     * meanwhile or this coordinator no longer leads (the verdict is the leader's).
     */
    void processExited(String agentId, SessionEpoch epoch, String sessionId, String detail) {
        if (!leading.getAsBoolean()) {
            return;
        }
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                AgentRecord record = agents.get(agentId);
                if (record == null || !record.live() || !record.epoch.equals(epoch) || !record.sessionId.equals(sessionId)
                        || record.connection != null) {
                    return;
                }
                fencing.processExited(record, clock.instant(), detail, after);
            }
        } finally {
            finish(after);
        }
    }

    /**
     * One pass of the failure detector: expires every lease that ran out (DEAD, stream fenced)
     * and makes SUSPECT every agent whose last heartbeat is older than suspect-after. Leases are
     * expired by the leader only: a coordinator whose leadership lapsed (one waking from a pause
     * past its election lease) expires and fences nobody, since the leases it holds have moved to
     * the new leader and its verdict would drop sessions the new leader carries over.
     */
    public void tick() {
        if (!leading.getAsBoolean()) {
            return;
        }
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                leases.check(agents.records(), clock.instant(), after);
            }
        } finally {
            finish(after);
        }
    }

    /** Runs what was queued under the lock, then tells the listeners what was recorded. */
    private void finish(List<Runnable> after) {
        for (Runnable action : after) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("event=membership_action_failed detail=\"{}\"", e.toString(), e);
            }
        }
        transitions.deliver();
    }

    @Override
    public List<AgentView> alive() {
        synchronized (lock) {
            return agents.alive();
        }
    }

    @Override
    public boolean send(String agentId, Command command) {
        if (!leading.getAsBoolean()) {
            log.warn("cause=stale_leader event=command_withheld agent={} command={} job={} detail=\"this coordinator no"
                    + " longer leads: its command is not sent\"", agentId, command.getCommandId(), command.getJobId());
            return false;
        }
        AgentConnection connection;
        CoordinatorMessage message;
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            if (record == null || !record.live() || record.connection == null) {
                return false;
            }
            record.ledger.observe(command);
            connection = record.connection;
            message = CoordinatorMessage.newBuilder().setCommand(command.toBuilder().setSessionEpoch(record.epoch.value())).build();
        }
        return connection.send(message);
    }

    @Override
    public void setReportSink(ReportSink sink) {
        reports.setSink(sink);
    }

    @Override
    public void addListener(MembershipListener listener) {
        transitions.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Map<String, List<Integer>> heldPartitions(String agentId) {
        synchronized (lock) {
            return agents.heldPartitions(agentId);
        }
    }

    @Override
    public List<HeldPartitions> held(String agentId) {
        synchronized (lock) {
            return agents.held(agentId);
        }
    }

    /**
     * Hands the transitions that the thread causing them does not tell to {@code teller}, a single
     * thread the caller owns and stops: a thread that finds another telling returns at once, and
     * what was recorded after a thread's own call is told by the teller, so a session stream's
     * Welcome and heartbeat acks never wait for a reconnect storm's transitions ({@link
     * Transitions}). Order and exactly-once hold as before. Without it (tests, simulations) a
     * thread that finds another telling waits its turn.
     */
    public void tellListenersOn(Executor teller) {
        transitions.tellOn(Objects.requireNonNull(teller, "teller"));
    }

    /**
     * Guards every command and admission with {@code stillLeading} (etcd store: the leadership is
     * valid): a leader that wakes from a pause past its election lease sends nothing and admits
     * nobody, before it even notices that it was deposed.
     */
    public void useLeadership(BooleanSupplier stillLeading) {
        this.leading = Objects.requireNonNull(stillLeading, "stillLeading");
    }

    /**
     * Takes over the sessions a previous leader held (etcd store): each becomes SUSPECT
     * ({@code leader_changed}) with its session id and epoch, and its lease counts as renewed
     * {@code grace} from now, so its agent resumes it on the new leader like a reconnect: same
     * epoch, no DEAD. A session already known here is left alone. While carried sessions keep
     * resuming, the ones still missing are waited for beyond {@code grace}: one expires only once
     * no carried session resumed for a whole {@code grace} ({@link TakeoverWindow}), so a
     * reconnect storm that the new leader admits slowly costs time, not DEAD agents.
     *
     * @param grace how long the agents get to find the new leader before their leases run (the
     *              reconnect backoff's cap)
     */
    public void carryOver(List<StoredSession> sessions, Duration grace) {
        try {
            synchronized (lock) {
                takeover.carryOver(sessions, grace, clock.instant());
            }
        } finally {
            finish(List.of());
        }
    }

    /** The status of one agent, if known. */
    public Optional<AgentStatus> status(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            return record == null ? Optional.empty() : Optional.of(record.status(clock.instant()));
        }
    }

    /** Every agent known, DEAD and LEFT ones included, ordered by id. */
    public List<AgentStatus> statuses() {
        synchronized (lock) {
            return agents.statuses(clock.instant());
        }
    }

    /** The state of one agent, or AGENT_STATE_UNSPECIFIED when never seen. */
    public AgentState state(String agentId) {
        synchronized (lock) {
            return agents.state(agentId);
        }
    }

    /** Reports refused for a stale epoch since start. */
    public long refusedReports() {
        return reports.refused();
    }

    /** The time left on an agent's lease (zero when it has none). */
    public Duration leaseRemaining(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            return record == null || !record.live() ? Duration.ZERO : record.lease.remaining(clock.instant());
        }
    }

    /** Ends every open stream (coordinator shutting down); states are left as they are. */
    public void close() {
        List<AgentConnection> open;
        synchronized (lock) {
            open = agents.connections();
        }
        open.forEach(connection -> connection.end("coordinator shutting down"));
    }
}
