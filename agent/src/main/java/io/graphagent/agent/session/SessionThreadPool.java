package io.graphagent.agent.session;

import io.graphagent.net.tls.NetworkThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that many {@link SessionClient}s of one process share, for a process that holds the
 * sessions of many agents (the reconnect-storm bench holds thousands): a few
 * {@code agent-session-N} threads, each the session thread of every client assigned to it
 * (round robin, so a client's state stays confined to one thread), one {@code agent-commands}
 * thread, and one set of network I/O threads. A client per thread pool would cost four threads
 * per session, 8,000 for 2,000 sessions. The pool outlives its clients: close it after them.
 * Thread-safe.
 */
public final class SessionThreadPool implements AutoCloseable {

    /**
     * Dials in flight (connect, TLS handshake, Hello, until a Welcome or a failure) per network
     * I/O thread. Thousands of sessions of one process dialling at once queue their handshakes
     * behind each other on a few I/O threads until all of them miss the handshake timeout; a
     * client that finds no place waits {@link SessionThreads#DIAL_WAIT} (jittered) and tries again.
     */
    static final int MAX_DIALS = 16;

    private final ScheduledThreadPoolExecutor[] sessions;
    private final ExecutorService commands = Executors.newSingleThreadExecutor(daemon("agent-commands", Thread.NORM_PRIORITY));
    private final NetworkThreads network;
    private final AtomicInteger next = new AtomicInteger();
    private final java.util.concurrent.Semaphore diagnoses = new java.util.concurrent.Semaphore(1);
    private final java.util.concurrent.Semaphore dials;

    private SessionThreadPool(int sessionThreads, int ioThreads) {
        dials = new java.util.concurrent.Semaphore(MAX_DIALS * ioThreads);
        sessions = new ScheduledThreadPoolExecutor[sessionThreads];
        for (int i = 0; i < sessionThreads; i++) {
            sessions[i] = new ScheduledThreadPoolExecutor(1, daemon("agent-session-" + i, Thread.MAX_PRIORITY));
            sessions[i].setRemoveOnCancelPolicy(true);
        }
        network = NetworkThreads.start("agent-session", ioThreads);
    }

    /**
     * @param sessionThreads threads running the clients' timers and state changes (heartbeats,
     *                       reconnects); one copes with thousands of idle sessions
     * @param ioThreads      network I/O threads (TLS handshakes run on them)
     */
    public static SessionThreadPool start(int sessionThreads, int ioThreads) {
        if (sessionThreads < 1) {
            throw new IllegalArgumentException("need at least one session thread, got " + sessionThreads);
        }
        return new SessionThreadPool(sessionThreads, ioThreads);
    }

    /** The session thread of the next client. */
    ScheduledThreadPoolExecutor nextSessionThread() {
        return sessions[Math.floorMod(next.getAndIncrement(), sessions.length)];
    }

    ExecutorService commands() {
        return commands;
    }

    NetworkThreads network() {
        return network;
    }

    /** The dials the pool's clients may have in flight at once. */
    java.util.concurrent.Semaphore dials() {
        return dials;
    }

    /** The one path diagnosis the pool's clients may run at a time (see {@link SessionThreads#diagnoses}). */
    java.util.concurrent.Semaphore diagnoses() {
        return diagnoses;
    }

    /** Stops every thread; the clients using them must be closed first. */
    @Override
    public void close() {
        commands.shutdown();
        for (ScheduledThreadPoolExecutor session : sessions) {
            session.shutdown();
        }
        try {
            for (ScheduledThreadPoolExecutor session : sessions) {
                if (!session.awaitTermination(NetworkThreads.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    session.shutdownNow();
                }
            }
            commands.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        network.close();
    }

    static ThreadFactory daemon(String name, int priority) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setPriority(priority);
            return thread;
        };
    }
}
