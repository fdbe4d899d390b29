package io.graphagent.graph.load;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs jobs numbered {@code 0..count-1} on a fixed number of threads: the calling thread
 * plus {@code threads - 1} named loader threads, all joined before {@link #run} returns.
 * Jobs are handed out in index order; a job that returns false (it found bad input) stops
 * the hand-out of every later index, so the caller can still report the first bad input
 * in file order.
 */
final class ParallelJobs {
    /** One thread's job runner; holds that thread's buffers. */
    interface Job {
        /** @return false to stop the jobs after this index */
        boolean run(int index) throws IOException;
    }

    private ParallelJobs() { }

    /**
     * @param perThread makes one runner per thread, called on the thread that will use it
     */
    static void run(int count, int threads, String name, Supplier<Job> perThread) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger stopAfter = new AtomicInteger(Integer.MAX_VALUE);
        Throwable[] failure = new Throwable[1];
        Runnable worker = () -> {
            try {
                Job job = perThread.get();
                int index;
                while ((index = next.getAndIncrement()) < count && index <= stopAfter.get()) {
                    if (!job.run(index)) {
                        stopAfter.accumulateAndGet(index, Math::min);
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                synchronized (failure) {
                    if (failure[0] == null) {
                        failure[0] = e;
                    }
                }
                stopAfter.set(-1);
            }
        };
        int extra = Math.max(0, Math.min(threads, count) - 1);
        Thread[] started = new Thread[extra];
        for (int i = 0; i < extra; i++) {
            started[i] = Thread.ofPlatform().name(name + "-" + (i + 1)).start(worker);
        }
        worker.run();
        boolean interrupted = false;
        for (Thread thread : started) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stopAfter.set(-1);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading");
        }
        Throwable e;
        synchronized (failure) {
            e = failure[0];
        }
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof UncheckedIOException io) {
            throw io.getCause();
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }
}
