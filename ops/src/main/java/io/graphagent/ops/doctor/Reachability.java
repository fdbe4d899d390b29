package io.graphagent.ops.doctor;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Name resolution and TCP connects with a deadline, telling refused from dropped. Stateless. */
final class Reachability {

    private Reachability() {
    }

    /** All addresses of {@code host}, or the failure. */
    static Resolution resolve(String host) {
        long start = System.nanoTime();
        try {
            List<InetAddress> addresses = Arrays.asList(InetAddress.getAllByName(host));
            return new Resolution(addresses, Optional.empty(), elapsed(start));
        } catch (UnknownHostException e) {
            return new Resolution(List.of(), Optional.of(e), elapsed(start));
        }
    }

    record Resolution(List<InetAddress> addresses, Optional<UnknownHostException> failure, Duration took) {
    }

    /** The outcome of one TCP connect: the time it took, or its classified cause. */
    record Connect(Duration took, Optional<DisconnectCause> cause, String detail) {
        boolean ok() {
            return cause.isEmpty();
        }
    }

    /** Connects and closes at once; a timeout means nothing answered (a firewall dropping packets). */
    static Connect connect(InetSocketAddress address, Duration timeout) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            return new Connect(elapsed(start), Optional.empty(), "");
        } catch (SocketTimeoutException e) {
            return new Connect(elapsed(start), Optional.of(DisconnectCause.CONNECT_TIMEOUT),
                    "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            FailureClassifier.Classification c = FailureClassifier.explain(e, FailureClassifier.Side.CLIENT);
            return new Connect(elapsed(start), Optional.of(c.cause()), c.detail());
        }
    }

    static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }
}
