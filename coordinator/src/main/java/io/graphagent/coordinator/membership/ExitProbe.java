package io.graphagent.coordinator.membership;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a dead agent process from a broken link, so that a killed agent is DEAD within a second
 * instead of at the end of its lease: shortly after an agent's stream broke, dial its data port.
 * A process that exited holds no listening socket, so its host answers the connect with a
 * refusal at once; a live agent behind a flapping link accepts (and has usually resumed its
 * session by then), and a host that does not answer at all (a cut link, a firewall dropping
 * packets) says nothing about the process: the lease decides those. Thread-safe.
 */
public final class ExitProbe {

    private static final Logger log = LoggerFactory.getLogger(ExitProbe.class);

    /**
     * Wait after the stream broke before dialling: a flapping link's agent reconnects within its
     * first backoff step, and the probe of an agent that resumed is dropped unseen.
     */
    public static final Duration DELAY = Duration.ofMillis(250);
    /** Connect deadline: a refusal is one round trip; silence past this proves nothing. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    /** What a probe found; only {@link #REFUSED} means the process is gone. */
    public enum Outcome { REFUSED, ACCEPTED, NO_ANSWER }

    /** Dials one address; the real one is a TCP connect, tests give their own. */
    @FunctionalInterface
    public interface Dialer {
        Outcome dial(String hostPort);
    }

    private final ScheduledExecutorService scheduler;
    private final Dialer dialer;

    public ExitProbe(ScheduledExecutorService scheduler, Dialer dialer) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.dialer = Objects.requireNonNull(dialer, "dialer");
    }

    /** A probe that dials over TCP with {@link #CONNECT_TIMEOUT}. */
    public static ExitProbe tcp(ScheduledExecutorService scheduler) {
        return new ExitProbe(scheduler, ExitProbe::connect);
    }

    /** After {@link #DELAY}, dials {@code dataAddress} and hands a refusal's detail to {@code gone} (on the dialling thread). */
    void schedule(String agentId, String dataAddress, Consumer<String> gone) {
        if (dataAddress.isEmpty()) {
            return;
        }
        // The delay on the scheduler, the dial (up to CONNECT_TIMEOUT) on a virtual thread of its own,
        // so that a slow answer never holds up the scheduler's other work (the failure detector's ticks).
        scheduler.schedule(() -> Thread.ofVirtual().name("exit-probe-" + agentId).start(() -> {
            try {
                Outcome outcome = dialer.dial(dataAddress);
                log.debug("event=exit_probe agent={} data_address={} outcome={}", agentId, dataAddress, outcome);
                if (outcome == Outcome.REFUSED) {
                    gone.accept("its data port " + dataAddress + " refuses connections " + DELAY.toMillis()
                            + " ms after the stream broke");
                }
            } catch (RuntimeException e) {
                log.warn("event=exit_probe_failed agent={} detail=\"{}\"", agentId, e.toString());
            }
        }), DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Outcome connect(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return Outcome.NO_ANSWER;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Outcome.NO_ANSWER;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return Outcome.ACCEPTED;
        } catch (ConnectException e) {
            return Outcome.REFUSED;
        } catch (IOException e) {
            return Outcome.NO_ANSWER;
        }
    }
}
