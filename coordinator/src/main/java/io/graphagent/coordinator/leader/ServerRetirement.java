package io.graphagent.coordinator.leader;

import io.grpc.Server;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a gRPC server without waiting for its connections: {@code shutdownNow} returns once the
 * listening socket is closed (grpc-netty awaits the listener's close), so its port can be bound
 * again at once, while the open connections are torn down on their own event loop. Waiting for
 * those here cost an elected standby up to two seconds during a reconnect storm before it could
 * serve; instead a daemon thread waits for them, never longer than {@code bound}, and logs the
 * outcome. Stateless and thread-safe.
 */
final class ServerRetirement {

    private static final Logger log = LoggerFactory.getLogger(ServerRetirement.class);

    private ServerRetirement() {
    }

    /**
     * Closes {@code server}'s listener now and its connections in the background.
     *
     * @param what  names the server in the log
     * @param bound the longest the background waits for the connections to close
     * @return completes with whether every connection closed within {@code bound}
     */
    static CompletableFuture<Boolean> retire(Server server, String what, Duration bound) {
        server.shutdownNow();
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("retire-" + what).start(() -> {
            try {
                boolean done = server.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
                if (done) {
                    log.debug("event=server_retired server={}", what);
                } else {
                    log.warn("event=server_retire_incomplete server={} waited_ms={} detail=\"connections still closing;"
                            + " the listener is closed, they end with their event loop\"", what, bound.toMillis());
                }
                closed.complete(done);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed.complete(false);
            }
        });
        return closed;
    }
}
