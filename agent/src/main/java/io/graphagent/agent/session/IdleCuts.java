package io.graphagent.agent.session;

import io.graphagent.net.cause.DisconnectCause;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a middlebox's idle timeout from other closed connections. A proxy, load balancer or
 * NAT that cuts quiet connections closes the session each time it has been quiet for the same
 * time; a crash, a restart or a flapping link closes it after quiet periods that vary. So when
 * the last {@value #IN_A_ROW} sessions in a row closed quietly ({@code peer_closed},
 * {@code stream_broken}, {@code connection_reset}) after quiet periods within
 * {@value #SPREAD_PERCENT}% of each other, the cut is named {@code path_idle_timeout}. Any
 * other cause starts the count again. Session-thread confined; no clock of its own (the caller
 * measures the quiet period).
 */
final class IdleCuts {
    /** Cuts needed before naming the pattern: two alike can be chance, three rarely are. */
    static final int IN_A_ROW = 3;
    /** How far apart the quiet periods may be, relative to the shortest. */
    static final int SPREAD_PERCENT = 20;
    /** Shorter quiet periods are the peer answering a message by closing, not an idle timer. */
    static final Duration MIN_QUIET = Duration.ofMillis(20);
    private static final Set<DisconnectCause> QUIET_CLOSES = Set.of(DisconnectCause.PEER_CLOSED,
            DisconnectCause.STREAM_BROKEN, DisconnectCause.CONNECTION_RESET);

    private final Deque<Duration> recent = new ArrayDeque<>();

    /**
     * Records an open session that ended with {@code cause} after {@code quiet} without traffic
     * either way; returns the explanation when it completes the pattern of an idle timeout.
     */
    Optional<String> sessionLost(DisconnectCause cause, Duration quiet) {
        if (!QUIET_CLOSES.contains(cause) || quiet.compareTo(MIN_QUIET) < 0) {
            recent.clear();
            return Optional.empty();
        }
        recent.addLast(quiet);
        while (recent.size() > IN_A_ROW) {
            recent.removeFirst();
        }
        if (recent.size() < IN_A_ROW) {
            return Optional.empty();
        }
        long min = recent.stream().mapToLong(Duration::toMillis).min().orElseThrow();
        long max = recent.stream().mapToLong(Duration::toMillis).max().orElseThrow();
        if (max * 100 > min * (100 + SPREAD_PERCENT)) {
            return Optional.empty();
        }
        return Optional.of("the last " + IN_A_ROW + " sessions were closed by the path each after " + min + "-" + max
                + " ms without traffic: an idle timeout of about " + min + " ms on a proxy, load balancer or NAT");
    }

    /** A session that stays open, or ends for another reason, breaks the pattern. */
    void reset() {
        recent.clear();
    }
}
