package io.graphagent.net.tls;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many TLS handshakes one listener runs at once. A connection beyond the limit is closed as
 * soon as it is accepted, before any handshake work, and its client retries after its backoff.
 * Without a limit a reconnect storm is a congestion collapse: when thousands of agents dial a
 * new leader at once on a busy CPU, every handshake in flight shares the CPU with all the
 * others, every one of them misses the handshake timeout, and none completes while the clients
 * keep retrying (bench/failover.sh saw 2,000 dials and no Welcome in 100 s on a loaded 2-core
 * machine). Thread-safe.
 */
final class HandshakeAdmission {

    /**
     * Handshakes one listener runs at once. One takes a few milliseconds of CPU, so on a quiet
     * machine 32 at a time still complete over a thousand a second; across a 200 ms round trip
     * (two round trips a handshake) they complete 80 a second. On a CPU starved tenfold, 32
     * handshakes sharing it still finish within a 3 s handshake timeout, where hundreds do not.
     */
    static final int MAX_CONCURRENT = 32;

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    HandshakeAdmission(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("need room for at least one handshake, got " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place for one handshake; false (and counted) when {@code limit} are running. */
    boolean tryEnter() {
        while (true) {
            int now = inFlight.get();
            if (now >= limit) {
                refused.incrementAndGet();
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place taken by {@link #tryEnter()}; call once per successful enter. */
    void leave() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Connections closed unhandshaken since start. */
    long refused() {
        return refused.get();
    }

    int limit() {
        return limit;
    }
}
