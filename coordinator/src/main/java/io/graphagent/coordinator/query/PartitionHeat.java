package io.graphagent.coordinator.query;

import java.time.Duration;

/**
 * The heat of one graph's partitions: each partition's request rate as an exponentially
 * decayed count (time constant {@code window}), read in requests per second, and whether it
 * is hot. A partition turns hot when its rate exceeds {@code hotRate}, and cool again only
 * after its rate stayed under half of it for {@code coolAfter} (hysteresis: an extra replica
 * is not copied and dropped again on every wobble). Times are milliseconds of the router's
 * injected clock. Thread-safe.
 */
final class PartitionHeat {
    private final double tauMillis;
    private final double hotRate;
    private final long coolAfterMillis;
    private final double[] level;
    private final long[] at;
    private final long[] requests;
    private final boolean[] hot;
    /** When the partition's rate last fell under half the hot rate while hot; -1 when it is not cooling. */
    private final long[] coolingSince;

    PartitionHeat(int partitions, Duration window, double hotRate, Duration coolAfter) {
        this.tauMillis = Math.max(1, window.toMillis());
        this.hotRate = hotRate;
        this.coolAfterMillis = coolAfter.toMillis();
        this.level = new double[partitions];
        this.at = new long[partitions];
        this.requests = new long[partitions];
        this.hot = new boolean[partitions];
        this.coolingSince = new long[partitions];
        java.util.Arrays.fill(coolingSince, -1);
    }

    int partitions() {
        return level.length;
    }

    /** One request for partition {@code p} at {@code nowMillis}. */
    synchronized void hit(int p, long nowMillis) {
        level[p] = decayed(p, nowMillis) + 1;
        at[p] = nowMillis;
        requests[p]++;
    }

    /** Requests per second of partition {@code p} at {@code nowMillis}. */
    synchronized double rate(int p, long nowMillis) {
        return decayed(p, nowMillis) * 1000.0 / tauMillis;
    }

    private double decayed(int p, long nowMillis) {
        long age = Math.max(0, nowMillis - at[p]);
        return level[p] * Math.exp(-age / tauMillis);
    }

    /** Requests routed to partition {@code p} so far. */
    synchronized long requests(int p) {
        return requests[p];
    }

    /** Whether partition {@code p} is hot at {@code nowMillis}, updating its hysteresis. */
    synchronized boolean hot(int p, long nowMillis) {
        double rate = rate(p, nowMillis);
        if (rate > hotRate) {
            hot[p] = true;
            coolingSince[p] = -1;
        } else if (hot[p] && rate < hotRate / 2) {
            if (coolingSince[p] < 0) {
                coolingSince[p] = nowMillis;
            } else if (nowMillis - coolingSince[p] >= coolAfterMillis) {
                hot[p] = false;
                coolingSince[p] = -1;
            }
        } else {
            coolingSince[p] = -1;
        }
        return hot[p];
    }
}
