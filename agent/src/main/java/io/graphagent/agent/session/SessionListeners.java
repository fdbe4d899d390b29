package io.graphagent.agent.session;

import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.v1.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is told of a session client's Welcomes and heartbeat round trips (the ops module's
 * metrics, the job layer). Told on the session thread, so a listener must not block; one that
 * throws on a Welcome is logged and the others are still told. Thread-safe.
 */
final class SessionListeners {

    /** The client's logger: these lines belong to the session's log. */
    private static final Logger log = LoggerFactory.getLogger(SessionClient.class);

    private final List<Consumer<Welcome>> welcomeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Duration>> roundTripListeners = new CopyOnWriteArrayList<>();

    void onWelcome(Consumer<Welcome> listener) {
        welcomeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void onRoundTrip(Consumer<Duration> listener) {
        roundTripListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Tells every Welcome listener. */
    void welcomed(Welcome welcome) {
        for (Consumer<Welcome> listener : welcomeListeners) {
            try {
                listener.accept(welcome);
            } catch (RuntimeException e) {
                log.warn("event=welcome_listener_failed detail=\"{}\"", FailureClassifier.oneLine(e), e);
            }
        }
    }

    /** Tells every round-trip listener of {@code rtt}. */
    void measured(Duration rtt) {
        for (Consumer<Duration> listener : roundTripListeners) {
            listener.accept(rtt);
        }
    }
}
