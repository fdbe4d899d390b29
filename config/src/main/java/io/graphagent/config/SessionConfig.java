package io.graphagent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Section {@code session}: the agent-coordinator session's liveness timing. The
 * coordinator's values are authoritative and advertised to agents in {@code Welcome}.
 *
 * @param heartbeatInterval how often an agent sends a heartbeat. Shorter detects a dead
 *     agent sooner and measures RTT and clock skew more often, at the cost of more traffic
 *     and more work on the coordinator per agent.
 * @param leaseTtl how long after its last heartbeat an agent is declared DEAD and its
 *     partitions move. Shorter recovers jobs sooner; too short declares agents dead during
 *     a GC pause or a network hiccup and makes the whole job roll back. Must be at least
 *     3 x {@code heartbeatInterval}, so that one or two lost heartbeats never kill a lease.
 * @param suspectAfter without a heartbeat (or with the stream broken) for this long an
 *     agent is SUSPECT: shown in status and logged, but keeps its partitions. Between
 *     {@code heartbeatInterval} and {@code leaseTtl}; shorter warns earlier and more often
 *     falsely.
 * @param reconnect how an agent retries a lost or refused connection.
 */
public record SessionConfig(Duration heartbeatInterval, Duration leaseTtl, Duration suspectAfter,
                            ReconnectConfig reconnect) {

    public SessionConfig {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(suspectAfter, "suspectAfter");
        Objects.requireNonNull(reconnect, "reconnect");
    }
}
