package io.graphagent.agent.session;

import io.graphagent.net.tls.NetworkThreads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one session client: {@code agent-session}, a platform thread of its own at
 * the highest priority that runs heartbeats, reconnects and every change of session state (so
 * compute on the common pools cannot starve it); {@code agent-commands}, which calls the job
 * layer one command at a time in arrival order; and the session's network I/O thread. Daemons,
 * so a forgotten close cannot hold the JVM; {@link #shutdown()} and {@link #await()} stop them.
 * Or, for a process holding many agents' sessions, the same roles lent by a
 * {@link SessionThreadPool}: then {@link #shutdown()} only stops this client from using them.
 * Thread-safe.
 */
final class SessionThreads {

    private static final Logger log = LoggerFactory.getLogger(SessionThreads.class);

    /** The network threads; replaced by {@link #network()} when one of them has died. */
    private volatile NetworkThreads network;
    private final ScheduledThreadPoolExecutor session;
    private final ExecutorService commands;
    /**
     * Path diagnoses allowed at once: one per process role. A diagnosis dials the coordinator
     * again (packets of two sizes, a silent connection) and waits up to a handshake timeout; when
     * thousands of sessions of one process stall together (a coordinator swamped by a reconnect
     * storm) a diagnosis each would triple the dials the swamped coordinator must answer, and
     * name an MTU black hole that a busy CPU made. The sessions that find the permit taken keep
     * the cause they saw.
     */
    final java.util.concurrent.Semaphore diagnoses;
    /** Dials in flight allowed at once: unlimited for a client's own threads, bounded by a pool. */
    final java.util.concurrent.Semaphore dials;
    /** The longest wait for a place to dial, drawn uniformly from [0, this]. */
    static final Duration DIAL_WAIT = Duration.ofMillis(100);
    /** Whether the threads are lent by a pool, which outlives this client. */
    private final boolean shared;
    private volatile boolean stopped;
    private final java.util.concurrent.atomic.AtomicLong periodicFailures = new java.util.concurrent.atomic.AtomicLong();

    /** Threads of this client's own. */
    SessionThreads() {
        network = NetworkThreads.start("agent-session", 1);
        session = new ScheduledThreadPoolExecutor(1, SessionThreadPool.daemon("agent-session", Thread.MAX_PRIORITY));
        session.setRemoveOnCancelPolicy(true);
        commands = Executors.newSingleThreadExecutor(SessionThreadPool.daemon("agent-commands", Thread.NORM_PRIORITY));
        diagnoses = new java.util.concurrent.Semaphore(1);
        dials = new java.util.concurrent.Semaphore(Integer.MAX_VALUE);
        shared = false;
    }

    /** Threads lent by {@code pool}: one of its session threads, its command thread and network threads. */
    SessionThreads(SessionThreadPool pool) {
        network = pool.network();
        session = pool.nextSessionThread();
        commands = pool.commands();
        diagnoses = pool.diagnoses();
        dials = pool.dials();
        shared = true;
    }

    /**
     * The network threads for a new channel. When one of this client's own has died (an
     * {@code Error} escaped Netty's event loop: an {@code OutOfMemoryError} thrown again while the
     * first was handled), they are replaced first: on the dead ones every dial would fail
     * ("event executor terminated") and the agent would never rejoin. Session thread.
     */
    NetworkThreads network() {
        NetworkThreads current = network;
        if (shared || stopped || current.alive()) {
            return current;
        }
        log.error("event=network_threads_restarted role={} detail=\"a network thread of the session died (see the error"
                + " logged before); the session dials on new ones\"", current.role());
        current.close();
        network = NetworkThreads.start(current.role(), 1);
        return network;
    }

    /** Runs {@code task} on the session thread; false once stopped. */
    boolean post(Runnable task) {
        if (stopped) {
            return false;
        }
        try {
            session.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code task} on the session thread after {@code delay}; null once stopped. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        if (stopped) {
            return null;
        }
        try {
            return session.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Runs {@code task} on the session thread now and every {@code period} after each run; null
     * once stopped. A run that throws does not end the schedule: a scheduled executor never runs
     * a periodic task again after it threw, and for the heartbeats that would be silent death,
     * the agent alive and its lease running out. The likeliest throw is an OutOfMemoryError
     * (a job filled the heap; the job layer drops it and the heap comes back), so the next run
     * simply goes on.
     */
    ScheduledFuture<?> every(Runnable task, Duration period) {
        if (stopped) {
            return null;
        }
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException | OutOfMemoryError e) {
                periodicFailed(e);
            }
        };
        try {
            return session.scheduleWithFixedDelay(guarded, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Counts and logs a periodic run that threw; logging may itself run out of heap, which is dropped. */
    private void periodicFailed(Throwable e) {
        periodicFailures.incrementAndGet();
        try {
            log.warn("event=periodic_task_failed cause={} detail=\"{}; the task runs again next period\"",
                    e.getClass().getSimpleName(), e.getMessage());
        } catch (RuntimeException | OutOfMemoryError again) {
            // Counted above; the schedule goes on.
        }
    }

    /** Periodic runs that threw and were carried on (see {@link #every}). */
    long periodicFailures() {
        return periodicFailures.get();
    }

    /** Runs a call into the job layer on the command thread, logging what it throws. */
    void command(String what, String agentId, Runnable task) {
        if (stopped) {
            log.debug("event=handler_call_dropped agent={} call={} detail=\"client stopped\"", agentId, what);
            return;
        }
        try {
            commands.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("event=handler_failed agent={} call={} detail=\"{}\"", agentId, what, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("event=handler_call_dropped agent={} call={} detail=\"client stopped\"", agentId, what);
        }
    }

    /**
     * Stops taking tasks (queued ones still run) and stops the network threads; call on the
     * session thread last. Lent threads are left running for the pool's other clients.
     */
    void shutdown() {
        stopped = true;
        if (shared) {
            return;
        }
        commands.shutdown();
        session.shutdown();
        network.close();
    }

    /** Waits for the threads to end, interrupting a command still running after a second. */
    void await() {
        if (shared) {
            return;
        }
        try {
            if (!session.awaitTermination(NetworkThreads.CLOSE_GRACE.toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
                session.shutdownNow();
            }
            if (!commands.awaitTermination(1, TimeUnit.SECONDS)) {
                log.warn("event=command_thread_busy detail=\"the job layer did not return within 1 s of close\"");
                commands.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        network.close();
    }
}
