package io.graphagent.agent.job;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's checkpoint writer: one thread ({@code checkpoint-writer}) that writes a
 * checkpoint's files, copies them to a peer and reports, while the job thread goes on with the
 * next superstep. At most one write is in flight: {@link #submit} and {@link #awaitIdle} wait
 * for the one before, and the job thread awaits it before every command that is not a
 * superstep's (a Checkpoint, Restore, Rebuild, Load, Release, Abort, WriteOutput), so those
 * never meet a half-written checkpoint. A write reports its own failures; it must not throw.
 */
final class CheckpointWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("checkpoint-writer").daemon(true).factory());
    /** The write submitted last (done when none is in flight). */
    private volatile Future<?> inFlight = CompletableFuture.completedFuture(null);

    /** Runs {@code write} on the writer thread once the write in flight, if any, is done; returns at once. */
    void submit(Runnable write) {
        awaitIdle();
        inFlight = thread.submit(write);
    }

    /** Waits until no write is in flight (at once when none is). */
    void awaitIdle() {
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.error("event=checkpoint_writer_failed detail=\"{}\"", e.getCause().toString(), e.getCause());
        } catch (CancellationException e) {
            // The agent is stopping.
        }
    }

    /** Whether a write is in flight. */
    boolean busy() {
        return !inFlight.isDone();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
