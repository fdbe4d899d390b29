package io.graphagent.ops.dashboard;

import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent heartbeat round-trip times and lease margins (lease TTL minus heartbeat age) of
 * every agent, for the dashboard's sparklines: one sample per agent per {@link #sample} call,
 * kept for {@link #WINDOW}. Fed by the coordinator's {@code coordinator-rtt-sampler} thread,
 * read by admin HTTP threads: thread-safe.
 */
public final class RttHistory {

    /** How far back the sparklines reach. */
    public static final Duration WINDOW = Duration.ofMinutes(5);

    /** One sample: coordinator clock (Unix ms), RTT (µs, 0 = none measured), lease margin (ms, 0 when not live). */
    public record Sample(long timeMs, long rttMicros, long leaseMarginMs) {
    }

    private final Duration leaseTtl;
    private final Map<String, ArrayDeque<Sample>> byAgent = new HashMap<>();

    /** @param leaseTtl the coordinator's {@code session.lease-ttl}, from which the margin is counted */
    public RttHistory(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    /** Adds one sample per agent in {@code statuses}, taken at {@code nowMs}; drops samples older than the window. */
    public synchronized void sample(List<AgentStatus> statuses, long nowMs) {
        for (AgentStatus s : statuses) {
            boolean live = s.getState() == AgentState.ALIVE || s.getState() == AgentState.SUSPECT
                    || s.getState() == AgentState.JOINING;
            long margin = live ? Math.max(0, leaseTtl.toMillis() - s.getLastHeartbeatAgeMs()) : 0;
            ArrayDeque<Sample> ring = byAgent.computeIfAbsent(s.getAgentId(), a -> new ArrayDeque<>());
            ring.addLast(new Sample(nowMs, live ? s.getRttMicros() : 0, margin));
        }
        long oldest = nowMs - WINDOW.toMillis();
        byAgent.values().forEach(ring -> {
            while (!ring.isEmpty() && ring.peekFirst().timeMs() < oldest) {
                ring.removeFirst();
            }
        });
        byAgent.values().removeIf(ArrayDeque::isEmpty);
    }

    /** The samples of {@code agent}, oldest first, as parallel arrays {@code t} (ms), {@code rtt_ms}, {@code margin_ms}. */
    public synchronized Map<String, Object> of(String agent) {
        ArrayDeque<Sample> ring = byAgent.getOrDefault(agent, new ArrayDeque<>());
        List<Long> times = new ArrayList<>(ring.size());
        List<Double> rtt = new ArrayList<>(ring.size());
        List<Long> margin = new ArrayList<>(ring.size());
        for (Sample s : ring) {
            times.add(s.timeMs());
            rtt.add(s.rttMicros() / 1000.0);
            margin.add(s.leaseMarginMs());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("t", times);
        out.put("rtt_ms", rtt);
        out.put("margin_ms", margin);
        return out;
    }
}
