package io.graphagent.coordinator.membership;

import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.Hello;
import java.time.Duration;
import java.time.Instant;

/**
 * What the coordinator knows of one agent id: its state, its current session (id, epoch,
 * lease, stream) and what it last reported about itself. Kept after DEAD and LEFT for status.
 * Not thread-safe: guarded by {@link Membership}'s lock.
 */
final class AgentRecord {

    final String agentId;
    final PartitionLedger ledger = new PartitionLedger();

    AgentState state = AgentState.AGENT_STATE_UNSPECIFIED;
    String stateCause = "";
    Instant stateSince;

    /** A session a new leader carried over from the previous one that has not resumed here yet. */
    boolean carried;
    String sessionId = "";
    SessionEpoch epoch = SessionEpoch.NONE;
    Lease lease;
    /** The open stream of the session, or null while the agent is disconnected. */
    AgentConnection connection;
    String remoteAddress = "";
    boolean tls;

    Hello hello = Hello.getDefaultInstance();
    int protocolVersion;
    long rttMicros;
    long clockOffsetMs;
    long heapUsedBytes;
    /** When the current session opened (kept across resumes); null before the first Hello. */
    Instant sessionOpened;
    /** Hellos admitted for this id (new or resumed sessions); all but the first are reconnects. */
    int connections;

    AgentRecord(String agentId) {
        this.agentId = agentId;
    }

    /** JOINING, ALIVE or SUSPECT: a session whose lease still counts. */
    boolean live() {
        return state == AgentState.JOINING || state == AgentState.ALIVE || state == AgentState.SUSPECT;
    }

    /** Whether {@code session} is this record's current session on its current stream. */
    boolean isCurrent(MemberSession session) {
        return live() && connection == session.connection() && epoch.equals(session.epoch())
                && sessionId.equals(session.sessionId());
    }

    void attach(AgentConnection stream, Hello from, int version) {
        connections++;
        connection = stream;
        remoteAddress = stream.remoteAddress();
        tls = stream.tls();
        hello = from;
        protocolVersion = version;
    }

    /**
     * Enters {@code to} at {@code now} for {@code cause}: the state, its cause and its start
     * change here only. Returns the transition for {@link Transitions} to log and tell.
     */
    Transitions.Event moveTo(AgentState to, String cause, Instant now, String detail) {
        AgentState from = state;
        state = to;
        stateCause = detail.isEmpty() ? cause : cause + ": " + detail;
        stateSince = now;
        return new Transitions.Event(agentId, from, to, cause, epoch, detail);
    }

    void heard(Heartbeat heartbeat) {
        rttMicros = heartbeat.getLastRttMicros();
        clockOffsetMs = heartbeat.getClockOffsetMs();
        heapUsedBytes = heartbeat.getHeapUsedBytes();
    }

    AgentStatus status(Instant now) {
        return AgentStatus.newBuilder()
                .setAgentId(agentId)
                .setState(state)
                .setStateCause(stateCause)
                .setStateSinceMs(stateSince.toEpochMilli())
                .setLastHeartbeatAgeMs(lease == null ? 0 : lease.sinceRenewal(now).toMillis())
                .setRttMicros(rttMicros)
                .setClockSkewMs(clockOffsetMs)
                .setPartitions(ledger.count())
                .setTls(tls)
                .setDataAddress(hello.getDataAddress())
                .setBuildVersion(hello.getBuildVersion())
                .setProtocolVersion(protocolVersion)
                .setSessionId(sessionId)
                .setEpoch(epoch.value())
                .setCores(hello.getResources().getCores())
                .setMaxHeapBytes(hello.getResources().getMaxHeapBytes())
                .setHeapUsedBytes(heapUsedBytes)
                .setRemoteAddress(remoteAddress)
                .setSessionAgeMs(sessionOpened == null || !live() ? 0 : Duration.between(sessionOpened, now).toMillis())
                .setReconnects(Math.max(0, connections - 1))
                .build();
    }
}
