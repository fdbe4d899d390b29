package io.graphagent.net.tls;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The network threads of one process role (coordinator, agent, CLI): one acceptor thread and
 * a small pool of I/O threads that every server and channel built by {@link Servers} and
 * {@link Channels} runs on. Owning them here, rather than using gRPC's hidden shared pools, is
 * what lets those builders install their own connection handlers (see
 * {@link ObservedServerChannel}). Threads are named {@code ROLE-net-accept-N} and
 * {@code ROLE-net-io-N}, and are daemons so a forgotten close cannot hold up exit; the owner
 * still closes this after shutting down its servers and channels. Thread-safe.
 */
public final class NetworkThreads implements AutoCloseable {

    /** How long {@link #close()} lets in-flight work finish before stopping the threads. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final String role;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;

    private NetworkThreads(String role, int ioThreads) {
        this.role = role;
        this.acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory(role + "-net-accept", true));
        this.io = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(role + "-net-io", true));
    }

    /**
     * Starts the threads for {@code role}.
     *
     * @param ioThreads I/O threads; 2 suffice for a session and heartbeats, the data plane of a
     *                  busy agent may want one per core
     */
    public static NetworkThreads start(String role, int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("need at least one I/O thread, got " + ioThreads);
        }
        return new NetworkThreads(role, ioThreads);
    }

    /** The role these threads serve, as in their names. */
    public String role() {
        return role;
    }

    /**
     * Whether every thread still runs (none has been closed): an I/O thread that an {@code Error}
     * escaped from (an {@code OutOfMemoryError} thrown again while Netty handled the first) ends
     * for good, and a channel built on it then fails every call ("event executor terminated").
     */
    public boolean alive() {
        for (var executor : acceptor) {
            if (executor.isShuttingDown()) {
                return false;
            }
        }
        for (var executor : io) {
            if (executor.isShuttingDown()) {
                return false;
            }
        }
        return true;
    }

    EventLoopGroup acceptor() {
        return acceptor;
    }

    EventLoopGroup io() {
        return io;
    }

    /** Stops the threads, waiting up to {@link #CLOSE_GRACE} plus a second; idempotent. */
    @Override
    public void close() {
        acceptor.shutdownGracefully(0, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        io.shutdownGracefully(0, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        long waitMillis = CLOSE_GRACE.toMillis() + 1000;
        boolean interrupted = false;
        try {
            acceptor.terminationFuture().await(waitMillis);
            io.terminationFuture().await(waitMillis);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
