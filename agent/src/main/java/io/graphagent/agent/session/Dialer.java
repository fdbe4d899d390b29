package io.graphagent.agent.session;

import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * How a session client dials: a place among the dials in flight its threads allow (unlimited
 * for a client's own threads, bounded when a {@link SessionThreadPool} lends them, so thousands
 * of sessions of one process do not handshake at once), then a channel with the session's
 * keepalive and message limits. Confined to the session thread.
 */
final class Dialer {

    private final SessionSettings settings;
    private final TransportSecurity security;
    private final SessionThreads threads;
    private final SplittableRandom dialWaits = new SplittableRandom();
    /** Whether the attempt in flight holds a place of {@link SessionThreads#dials}. */
    private boolean dialling;

    Dialer(SessionSettings settings, TransportSecurity security, SessionThreads threads) {
        this.settings = settings;
        this.security = security;
        this.threads = threads;
    }

    /**
     * Takes a place for the attempt about to dial, unless it holds one already.
     *
     * @return false when none is free: wait {@link #placeWait()} and try again
     */
    boolean takePlace() {
        if (!dialling && !threads.dials.tryAcquire()) {
            return false;
        }
        dialling = true;
        return true;
    }

    /** How long to wait for a place: drawn uniformly from [0, {@link SessionThreads#DIAL_WAIT}]. */
    Duration placeWait() {
        return Duration.ofNanos(dialWaits.nextLong(SessionThreads.DIAL_WAIT.toNanos() + 1));
    }

    /** Gives back the place of the attempt in flight, if it holds one. */
    void doneDialling() {
        if (dialling) {
            dialling = false;
            threads.dials.release();
        }
    }

    /** A channel to {@code target} on the session's network thread. */
    ManagedChannel channel(HostAndPort target) throws TlsFilesException {
        return Channels.builder(target, security, settings.timeouts(), threads.network())
                .keepAliveTime(settings.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(settings.keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .maxInboundMessageSize((int) Math.min(settings.maxMessageSize(), Integer.MAX_VALUE))
                .directExecutor()
                .build();
    }
}
