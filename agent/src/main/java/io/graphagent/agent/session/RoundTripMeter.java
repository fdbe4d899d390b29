package io.graphagent.agent.session;

import io.graphagent.protocol.v1.HeartbeatAck;

/**
 * Round-trip time and clock offset from heartbeat acks. The round trip is measured on the
 * monotonic clock between a heartbeat's send and its ack; the offset (coordinator clock minus
 * agent clock) is {@code server_time - (send_time + rtt / 2)}, assuming the ack was stamped
 * half-way. Remembers the send times of the last {@value #WINDOW} heartbeats, so an ack that
 * comes later than that is ignored. Confined to the session thread; the last values are
 * readable from any thread.
 */
final class RoundTripMeter {

    /** Heartbeats in flight that can still be matched to an ack. */
    static final int WINDOW = 64;

    private final long[] seqs = new long[WINDOW];
    private final long[] sentNanos = new long[WINDOW];
    private volatile long lastRttMicros;
    private volatile long clockOffsetMs;
    private volatile boolean measured;

    /** A heartbeat with {@code seq} left at monotonic time {@code nanos}. */
    void sent(long seq, long nanos) {
        int slot = (int) (seq % WINDOW);
        seqs[slot] = seq;
        sentNanos[slot] = nanos;
    }

    /**
     * An ack arrived at monotonic time {@code receivedNanos}.
     *
     * @return false when it matches no remembered heartbeat (nothing measured)
     */
    boolean acked(HeartbeatAck ack, long receivedNanos) {
        int slot = (int) (ack.getSeq() % WINDOW);
        if (ack.getSeq() <= 0 || seqs[slot] != ack.getSeq()) {
            return false;
        }
        long rttNanos = Math.max(0, receivedNanos - sentNanos[slot]);
        seqs[slot] = 0;
        lastRttMicros = rttNanos / 1_000;
        clockOffsetMs = Math.round(ack.getServerTimeMs() - (ack.getAgentSendTimeMs() + rttNanos / 2e6));
        measured = true;
        return true;
    }

    /** Round trip of the last matched ack, microseconds; 0 before the first. */
    long lastRttMicros() {
        return lastRttMicros;
    }

    /** Coordinator clock minus agent clock, ms, from the last matched ack; 0 before the first. */
    long clockOffsetMs() {
        return clockOffsetMs;
    }

    boolean measured() {
        return measured;
    }
}
