package io.graphagent.coordinator.membership;

import io.graphagent.config.DurationFormat;
import io.graphagent.config.SessionConfig;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.Rejections;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Fenced;
import io.graphagent.protocol.v1.Goodbye;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeartbeatAck;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.RejectReason;
import io.graphagent.protocol.v1.Report;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Time comes from the injected clock only. Thread-safe: state changes under one lock;
 * messages are sent and listeners called after it is released.
 */
public final class Membership implements AgentDirectory {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final SessionConfig timing;
    private final Clock clock;
    private final CauseCounter causes;
    private final Transitions transitions = new Transitions();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong refusedReports = new AtomicLong();
    private final Object lock = new Object();
    /** Since a takeover: how long carried sessions that have not resumed are waited for. */
    private final TakeoverWindow takeover = new TakeoverWindow();

    /** Guarded by lock. */
    private final Map<String, AgentRecord> agents = new TreeMap<>();
    private final SessionEpochs epochs;
    private volatile ReportSink reportSink;
    /** Dials the data port of an agent whose stream broke; null: only leases declare DEAD. */
    private volatile ExitProbe exitProbe;
    /** Whether this coordinator may still command agents (etcd store: it still leads); always true with the local store. */
    private volatile java.util.function.BooleanSupplier leading = () -> true;

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
        this.causes = Objects.requireNonNull(causes, "causes");
        this.epochs = Objects.requireNonNull(epochs, "epochs");
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
                Instant now = clock.instant();
                AgentRecord record = agents.get(agentId);
                if (record != null && record.live() && leaseRanOut(record, now)) {
                    expire(record, now, after);
                }
                if (record != null && record.live()) {
                    boolean resuming = !hello.getResumeSessionId().isEmpty()
                            && hello.getResumeSessionId().equals(record.sessionId);
                    AgentConnection old = record.connection;
                    boolean otherStreamOpen = old != null && old != connection && old.isOpen();
                    if (otherStreamOpen && !resuming) {
                        return new Admission.Refused(Rejections.reject(RejectReason.DUPLICATE_AGENT,
                                "agent id " + agentId + " already has a live session (epoch " + record.epoch + ") from "
                                        + old.remoteAddress() + ": give each agent its own certificate and id, or stop"
                                        + " the duplicate; a restarted agent is let in once the old session's lease ("
                                        + DurationFormat.format(timing.leaseTtl()) + ") expires"));
                    }
                    if (resuming) {
                        if (otherStreamOpen) {
                            after.add(() -> old.end("superseded by the resumed session from " + connection.remoteAddress()));
                        }
                        return new Admission.Admitted(resume(record, hello, protocolVersion, connection, now));
                    }
                    // A live session, but its agent says Hello without it: it restarted and lost
                    // the session, so its partitions are gone too.
                    transition(record, AgentState.DEAD, LifecycleCause.AGENT_RESTARTED.label(), now, "new Hello from "
                            + connection.remoteAddress() + " without the id of the live session of epoch " + record.epoch);
                    record.connection = null;
                }
                SessionEpoch epoch;
                try {
                    epoch = SessionEpoch.of(epochs.next());
                } catch (IllegalStateException e) {
                    return new Admission.Refused(Rejections.reject(RejectReason.SHUTTING_DOWN,
                            "the coordinator cannot record a new session epoch (" + e.getMessage() + "); retry later"));
                }
                if (record == null) {
                    record = new AgentRecord(agentId);
                    agents.put(agentId, record);
                    epochs.agentSeen(agentId);
                }
                return new Admission.Admitted(open(record, hello, protocolVersion, connection, now, epoch));
            }
        } finally {
            finish(after);
        }
    }

    private MemberSession resume(AgentRecord record, Hello hello, int version, AgentConnection connection, Instant now) {
        long silentMs = record.lease.sinceRenewal(now).toMillis();
        if (record.carried) {
            // A carried lease may have run out while the takeover window held it: a fresh one.
            record.carried = false;
            record.lease = Lease.grant(now, timing.leaseTtl());
            takeover.progress(now);
        } else {
            record.lease = record.lease.renew(now);
        }
        record.attach(connection, hello, version);
        String missing = record.ledger.missingFrom(hello.getHeldList());
        // A transition even from ALIVE (the old stream's end not yet seen): the job layer re-sends
        // its outstanding command, whose reports may have been lost with the old stream.
        transition(record, AgentState.ALIVE, LifecycleCause.RESUMED.label(), now, "session resumed from " + connection.remoteAddress()
                + " after " + silentMs + " ms without heartbeat");
        if (!missing.isEmpty()) {
            log.warn("event=resumed_without_partitions agent={} epoch={} missing=\"{}\" detail=\"the agent resumed its"
                    + " session but no longer holds these partitions; the job layer must reload or move them\"",
                    record.agentId, record.epoch, missing);
        }
        return new MemberSession(record.agentId, record.sessionId, record.epoch, true, connection);
    }

    private MemberSession open(AgentRecord record, Hello hello, int version, AgentConnection connection, Instant now,
            SessionEpoch epoch) {
        record.sessionId = newSessionId();
        record.epoch = epoch;
        record.lease = Lease.grant(now, timing.leaseTtl());
        record.sessionOpened = now;
        record.attach(connection, hello, version);
        record.ledger.clear();
        record.rttMicros = 0;
        record.clockOffsetMs = 0;
        String asked = hello.getResumeSessionId().isEmpty() ? ""
                : " (the session it asked to resume is unknown or over)";
        transition(record, AgentState.JOINING, LifecycleCause.HELLO.label(), now, "new session from " + connection.remoteAddress()
                + ", protocol " + version + asked);
        return new MemberSession(record.agentId, record.sessionId, record.epoch, false, connection);
    }

    /**
     * Renews the lease of a heartbeat's session and answers it with an ack, or fences the
     * session when its epoch is stale or its lease already expired.
     */
    public void heartbeat(MemberSession session, Heartbeat heartbeat) {
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                Instant now = clock.instant();
                AgentRecord record = agents.get(session.agentId());
                if (record == null || !record.isCurrent(session)) {
                    fenceStream(session, heartbeat.getSessionEpoch(), record, "heartbeat on a session that is over", after);
                    return;
                }
                if (!record.epoch.matches(heartbeat.getSessionEpoch())) {
                    fence(record, now, "heartbeat of epoch " + heartbeat.getSessionEpoch() + " on the session of epoch "
                            + record.epoch, heartbeat.getSessionEpoch(), after);
                    return;
                }
                if (record.lease.expired(now)) {
                    expire(record, now, after);
                    return;
                }
                record.lease = record.lease.renew(now);
                record.heard(heartbeat);
                if (record.state == AgentState.JOINING) {
                    transition(record, AgentState.ALIVE, LifecycleCause.FIRST_HEARTBEAT.label(), now, "heartbeat " + heartbeat.getSeq());
                } else if (record.state == AgentState.SUSPECT) {
                    transition(record, AgentState.ALIVE, LifecycleCause.HEARTBEAT_RESUMED.label(), now, "heartbeat " + heartbeat.getSeq());
                }
                CoordinatorMessage ack = CoordinatorMessage.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
                        .setSeq(heartbeat.getSeq())
                        .setServerTimeMs(now.toEpochMilli())
                        .setAgentSendTimeMs(heartbeat.getAgentSendTimeMs())
                        .setLeaseRemainingMs(record.lease.remaining(now).toMillis())
                        .setSessionEpoch(record.epoch.value())).build();
                AgentConnection connection = record.connection;
                after.add(() -> connection.send(ack));
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
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                Instant now = clock.instant();
                AgentRecord record = agents.get(session.agentId());
                boolean current = record != null && record.isCurrent(session);
                if (current && record.epoch.matches(report.getSessionEpoch())) {
                    ReportSink sink = reportSink;
                    if (sink == null) {
                        log.warn("event=report_dropped agent={} command={} detail=\"no report sink registered\"",
                                session.agentId(), report.getCommandId());
                    } else {
                        after.add(() -> sink.onReport(session.agentId(), report));
                    }
                    return;
                }
                long total = refusedReports.incrementAndGet();
                log.warn("cause=fenced event=report_refused agent={} command={} job={} report_epoch={} session_epoch={}"
                                + " refused_total={}", session.agentId(), report.getCommandId(), report.getJobId(),
                        report.getSessionEpoch(), current ? record.epoch : session.epoch(), total);
                if (current) {
                    fence(record, now, "report of epoch " + report.getSessionEpoch() + " on the session of epoch " + record.epoch,
                            report.getSessionEpoch(), after);
                } else {
                    fenceStream(session, report.getSessionEpoch(), record, "report on a session that is over", after);
                }
            }
        } finally {
            finish(after);
        }
    }

    /** The agent said Goodbye on its current stream: LEFT, lease revoked. */
    public void goodbye(MemberSession session, Goodbye goodbye) {
        try {
            synchronized (lock) {
                AgentRecord record = agents.get(session.agentId());
                if (record == null || !record.isCurrent(session)) {
                    return;
                }
                transition(record, AgentState.LEFT, LifecycleCause.GOODBYE.label(), clock.instant(),
                        goodbye.getReason() + (goodbye.getMessage().isEmpty() ? "" : ": " + goodbye.getMessage()));
                record.connection = null;
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
                if (record == null || !record.isCurrent(session)) {
                    return;
                }
                record.connection = null;
                causes.record(cause);
                Instant now = clock.instant();
                if (record.state != AgentState.SUSPECT) {
                    transition(record, AgentState.SUSPECT, cause.label(), now, detail + "; lease expires in "
                            + record.lease.remaining(now).toMillis() + " ms unless the agent resumes");
                } else {
                    log.warn("cause={} event=stream_ended agent={} epoch={} state=SUSPECT detail=\"{}\"", cause.label(),
                            record.agentId, record.epoch, detail);
                }
                ExitProbe probe = exitProbe;
                if (probe != null) {
                    String agentId = record.agentId;
                    SessionEpoch epoch = record.epoch;
                    String sessionId = record.sessionId;
                    probe.schedule(agentId, record.hello.getDataAddress(), gone -> processExited(agentId, epoch, sessionId, gone));
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
        this.exitProbe = Objects.requireNonNull(probe, "probe");
    }

    /** The exit probe found the data port of a disconnected session closed: DEAD, unless it resumed meanwhile. */
    void processExited(String agentId, SessionEpoch epoch, String sessionId, String detail) {
        List<Runnable> after = new ArrayList<>();
        try {
            synchronized (lock) {
                AgentRecord record = agents.get(agentId);
                if (record == null || !record.live() || !record.epoch.equals(epoch) || !record.sessionId.equals(sessionId)
                        || record.connection != null) {
                    return;
                }
                Instant now = clock.instant();
                causes.record(DisconnectCause.PROCESS_EXITED);
                transition(record, AgentState.DEAD, DisconnectCause.PROCESS_EXITED.label(), now, detail);
                endWithFenced(record, record.epoch.value(), "declared dead: " + detail + "; say Hello again as a new session", after);
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
                Instant now = clock.instant();
                for (AgentRecord record : agents.values()) {
                    if (!record.live()) {
                        continue;
                    }
                    if (leaseRanOut(record, now)) {
                        expire(record, now, after);
                    } else if (record.state != AgentState.SUSPECT
                            && record.lease.sinceRenewal(now).compareTo(timing.suspectAfter()) > 0) {
                        transition(record, AgentState.SUSPECT, LifecycleCause.HEARTBEAT_LATE.label(), now, "no heartbeat for "
                                + record.lease.sinceRenewal(now).toMillis() + " ms (suspect-after "
                                + DurationFormat.format(timing.suspectAfter()) + ")");
                    }
                }
            }
        } finally {
            finish(after);
        }
    }

    /**
     * Whether a live session's lease ran out: its lease expired and, for a session carried over
     * from the previous leader that has not resumed yet, the takeover stopped making progress
     * ({@link TakeoverWindow}).
     */
    private boolean leaseRanOut(AgentRecord record, Instant now) {
        return record.lease.expired(now) && !(record.carried && takeover.holds(now));
    }

    private void expire(AgentRecord record, Instant now, List<Runnable> after) {
        long silentMs = record.lease.sinceRenewal(now).toMillis();
        String detail = "no heartbeat for " + silentMs + " ms; lease-ttl " + DurationFormat.format(timing.leaseTtl())
                + " expired at " + record.lease.expiresAt();
        causes.record(DisconnectCause.LEASE_EXPIRED);
        transition(record, AgentState.DEAD, DisconnectCause.LEASE_EXPIRED.label(), now, detail);
        endWithFenced(record, record.epoch.value(), "lease expired: " + detail + "; say Hello again as a new session", after);
    }

    private void fence(AgentRecord record, Instant now, String why, long staleEpoch, List<Runnable> after) {
        causes.record(DisconnectCause.FENCED);
        transition(record, AgentState.DEAD, DisconnectCause.FENCED.label(), now, why);
        endWithFenced(record, staleEpoch, why + "; drop job state and say Hello again as a new session", after);
    }

    private static void endWithFenced(AgentRecord record, long staleEpoch, String message, List<Runnable> after) {
        AgentConnection connection = record.connection;
        record.connection = null;
        if (connection != null && connection.isOpen()) {
            CoordinatorMessage fenced = CoordinatorMessage.newBuilder().setFenced(Fenced.newBuilder()
                    .setStaleEpoch(staleEpoch).setCurrentEpoch(0).setMessage(message)).build();
            after.add(() -> {
                connection.send(fenced);
                connection.end("fenced");
            });
        }
    }

    /** A stream whose session is over (superseded, expired or fenced) spoke: fence it too. */
    private static void fenceStream(MemberSession session, long staleEpoch, AgentRecord record, String why,
            List<Runnable> after) {
        long current = record != null && record.live() ? record.epoch.value() : 0;
        String message = why + " (epoch " + session.epoch() + ", current " + current
                + "): drop job state and say Hello again as a new session";
        CoordinatorMessage fenced = CoordinatorMessage.newBuilder().setFenced(Fenced.newBuilder()
                .setStaleEpoch(staleEpoch).setCurrentEpoch(current).setMessage(message)).build();
        AgentConnection connection = session.connection();
        after.add(() -> {
            connection.send(fenced);
            connection.end("fenced");
        });
    }

    private void transition(AgentRecord record, AgentState to, String cause, Instant now, String detail) {
        transition(record, to, cause, now, detail, false);
    }

    /** @param summarized logged at DEBUG only: the caller logs the batch as one line */
    private void transition(AgentRecord record, AgentState to, String cause, Instant now, String detail, boolean summarized) {
        AgentState from = record.state;
        record.state = to;
        record.stateCause = detail.isEmpty() ? cause : cause + ": " + detail;
        record.stateSince = now;
        Transitions.Event event = new Transitions.Event(record.agentId, from, to, cause, record.epoch, detail);
        if (summarized) {
            transitions.recordSummarized(event);
        } else {
            transitions.record(event);
        }
    }

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

    private String newSessionId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "s-" + HexFormat.of().formatHex(bytes);
    }

    @Override
    public List<AgentView> alive() {
        synchronized (lock) {
            List<AgentView> views = new ArrayList<>();
            for (AgentRecord record : agents.values()) {
                if (record.state == AgentState.ALIVE) {
                    views.add(new AgentView(record.agentId, record.epoch, record.hello.getDataAddress(),
                            record.hello.getResources().getCores(), record.protocolVersion));
                }
            }
            return views;
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
        this.reportSink = sink;
    }

    @Override
    public void addListener(MembershipListener listener) {
        transitions.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Map<String, List<Integer>> heldPartitions(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            Map<String, List<Integer>> held = new LinkedHashMap<>();
            if (record != null) {
                for (HeldPartitions h : record.hello.getHeldList()) {
                    held.put(h.getJobId(), List.copyOf(h.getPartitionIdsList()));
                }
            }
            return held;
        }
    }

    @Override
    public List<HeldPartitions> held(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            return record == null ? List.of() : List.copyOf(record.hello.getHeldList());
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
    public void tellListenersOn(java.util.concurrent.Executor teller) {
        transitions.tellOn(Objects.requireNonNull(teller, "teller"));
    }

    /**
     * Guards every command and admission with {@code stillLeading} (etcd store: the leadership is
     * valid): a leader that wakes from a pause past its election lease sends nothing and admits
     * nobody, before it even notices that it was deposed.
     */
    public void useLeadership(java.util.function.BooleanSupplier stillLeading) {
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
    public void carryOver(List<io.graphagent.protocol.v1.StoredSession> sessions, Duration grace) {
        try {
            synchronized (lock) {
                Instant now = clock.instant();
                takeover.open(now, grace);
                List<String> carried = new ArrayList<>(sessions.size());
                for (io.graphagent.protocol.v1.StoredSession stored : sessions) {
                    if (agents.containsKey(stored.getAgentId())) {
                        continue;
                    }
                    AgentRecord record = new AgentRecord(stored.getAgentId());
                    record.sessionId = stored.getSessionId();
                    record.epoch = SessionEpoch.of(stored.getEpoch());
                    record.lease = new Lease(timing.leaseTtl(), now.plus(grace));
                    record.carried = true;
                    record.sessionOpened = now;
                    record.hello = Hello.newBuilder().setAgentId(stored.getAgentId())
                            .setDataAddress(stored.getDataAddress()).build();
                    agents.put(stored.getAgentId(), record);
                    transition(record, AgentState.SUSPECT, LifecycleCause.LEADER_CHANGED.label(), now, "session carried over from the previous"
                            + " leader; lease runs until " + record.lease.expiresAt() + " unless the agent resumes (longer while other"
                            + " carried sessions keep resuming)", true);
                    carried.add(stored.getAgentId());
                }
                // One line for the whole takeover, not one per session: at 2,000 sessions those lines cost ~0.45 s
                // of the failover. The ids follow at DEBUG.
                log.warn("event=sessions_carried_over count={} skipped_known={} cause={} lease_until={} detail=\"SUSPECT until"
                        + " each agent resumes its session (longer while other carried sessions keep resuming)\"",
                        carried.size(), sessions.size() - carried.size(), LifecycleCause.LEADER_CHANGED.label(),
                        now.plus(grace));
                if (log.isDebugEnabled()) {
                    log.debug("event=sessions_carried_over_ids count={} agents={}", carried.size(), carried);
                }
            }
        } finally {
            finish(List.of());
        }
    }

    /** The status of one agent, if known. */
    public java.util.Optional<AgentStatus> status(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            return record == null ? java.util.Optional.empty() : java.util.Optional.of(record.status(clock.instant()));
        }
    }

    /** Every agent known, DEAD and LEFT ones included, ordered by id. */
    public List<AgentStatus> statuses() {
        synchronized (lock) {
            Instant now = clock.instant();
            return agents.values().stream().map(record -> record.status(now)).toList();
        }
    }

    /** The state of one agent, or AGENT_STATE_UNSPECIFIED when never seen. */
    public AgentState state(String agentId) {
        synchronized (lock) {
            AgentRecord record = agents.get(agentId);
            return record == null ? AgentState.AGENT_STATE_UNSPECIFIED : record.state;
        }
    }

    /** Reports refused for a stale epoch since start. */
    public long refusedReports() {
        return refusedReports.get();
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
        List<AgentConnection> open = new ArrayList<>();
        synchronized (lock) {
            for (AgentRecord record : agents.values()) {
                if (record.connection != null) {
                    open.add(record.connection);
                }
            }
        }
        open.forEach(connection -> connection.end("coordinator shutting down"));
    }
}
