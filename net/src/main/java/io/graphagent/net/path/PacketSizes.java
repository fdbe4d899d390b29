package io.graphagent.net.path;

import io.graphagent.net.cause.DisconnectCause;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * Whether large packets cross the path to a graphagent port while small ones do: three
 * {@link PathProbe}s at once, a small one ({@value #SMALL} bytes both ways), a large one toward
 * the server ({@value #LARGE} bytes) and a large reply. All three answered: sizes are no
 * problem. Small answered, a large one silent: a path-MTU black hole. Stateless.
 *
 * @param small     the small probe
 * @param largeUp   the large request toward the server
 * @param largeDown the large reply from the server
 */
public record PacketSizes(PathProbe.Exchange small, PathProbe.Exchange largeUp, PathProbe.Exchange largeDown) {
    /** A heartbeat-sized probe. */
    public static final int SMALL = 64;
    /** Larger than any standard MTU (and than a TLS certificate flight), smaller than jumbo frames. */
    public static final int LARGE = 8192;

    /** Runs the three probes side by side; takes at most about {@code connectTimeout + wait}. */
    public static PacketSizes test(InetSocketAddress address, Duration connectTimeout, Duration wait) {
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<PathProbe.Exchange> small = CompletableFuture.supplyAsync(
                    () -> PathProbe.exchange(address, SMALL, SMALL, connectTimeout, wait), probes);
            CompletableFuture<PathProbe.Exchange> up = CompletableFuture.supplyAsync(
                    () -> PathProbe.exchange(address, LARGE, SMALL, connectTimeout, wait), probes);
            CompletableFuture<PathProbe.Exchange> down = CompletableFuture.supplyAsync(
                    () -> PathProbe.exchange(address, SMALL, LARGE, connectTimeout, wait), probes);
            return new PacketSizes(small.join(), up.join(), down.join());
        }
    }

    /** Small packets pass and a large one, either way, is lost. */
    public boolean blackHole() {
        return small.answered() && (largeUp.outcome() == PathProbe.Outcome.SILENT
                || largeDown.outcome() == PathProbe.Outcome.SILENT);
    }

    /** Why the small probe could not even connect, if it could not. */
    public Optional<DisconnectCause> connectFailure() {
        return small.connectCause();
    }

    /** One line for a log or a doctor verdict, e.g. {@code a 64-byte probe answered in 0.4 ms; 8192 bytes toward it: lost (...)}. */
    public String describe() {
        if (small.outcome() == PathProbe.Outcome.CONNECT_FAILED) {
            return "a probe could not connect: " + small.detail();
        }
        if (!small.answered()) {
            return "a " + SMALL + "-byte probe got no probe answer (" + small.detail() + ")";
        }
        return "a " + SMALL + "-byte probe was answered in " + millis(small.took()) + "; " + LARGE + " bytes toward it: "
                + state(largeUp) + "; " + LARGE + " bytes back: " + state(largeDown);
    }

    private static String state(PathProbe.Exchange e) {
        return switch (e.outcome()) {
            case ANSWERED -> "passed in " + millis(e.took());
            case SILENT -> "lost (" + e.detail() + ")";
            case NOT_UNDERSTOOD -> "not understood (" + e.detail() + ")";
            case CONNECT_FAILED -> "could not connect (" + e.detail() + ")";
        };
    }

    static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    /** The probes in the order small, up, down. */
    public List<PathProbe.Exchange> all() {
        return List.of(small, largeUp, largeDown);
    }
}
