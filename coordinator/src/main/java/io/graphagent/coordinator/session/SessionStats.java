package io.graphagent.coordinator.session;

import io.graphagent.protocol.v1.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of the session service since start: Hellos received, sessions opened, Hellos refused
 * per reason. For metrics and tests (a refused agent must not come back: count its Hellos).
 * Thread-safe and lock-free.
 */
public final class SessionStats {

    private static final RejectReason[] REASONS = RejectReason.values();

    private final AtomicLong hellos = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(REASONS.length);

    void hello() {
        hellos.incrementAndGet();
    }

    void opened(boolean resumedSession) {
        (resumedSession ? resumed : opened).incrementAndGet();
    }

    void reject(RejectReason reason) {
        rejected.incrementAndGet(reason.ordinal());
    }

    /** Hellos received, accepted or not. */
    public long hellos() {
        return hellos.get();
    }

    /** New sessions opened. */
    public long sessionsOpened() {
        return opened.get();
    }

    /** Sessions resumed. */
    public long sessionsResumed() {
        return resumed.get();
    }

    /** Hellos refused for {@code reason}. */
    public long rejected(RejectReason reason) {
        return rejected.get(reason.ordinal());
    }

    /** Refusals per reason, those seen at least once. */
    public Map<RejectReason, Long> rejections() {
        Map<RejectReason, Long> counts = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : REASONS) {
            if (reason != RejectReason.UNRECOGNIZED && rejected.get(reason.ordinal()) > 0) {
                counts.put(reason, rejected.get(reason.ordinal()));
            }
        }
        return counts;
    }
}
