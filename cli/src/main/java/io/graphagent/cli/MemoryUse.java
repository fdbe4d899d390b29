package io.graphagent.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Memory figures for the run summary: live heap after a full collection, and the
 * process's resident set from {@code /proc/self/status} (Linux only).
 */
final class MemoryUse {
    private static final Path STATUS = Path.of("/proc/self/status");
    /** G1 returns freed heap to the OS on a background thread after a full GC; wait this long at most for it. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(5);
    /** Consecutive reads without a fall that count as settled: uncommit may start late and pause. */
    private static final int SETTLE_READS = 10;
    private static final Duration SETTLE_STEP = Duration.ofMillis(50);
    /** RSS counts as settled once it falls by less than this between two reads. */
    private static final long SETTLE_BYTES = 1 << 20;

    private MemoryUse() {
    }

    /** Heap bytes in use after asking for a full collection: roughly what the live data holds. */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Resident set size once the JVM has finished returning freed heap to the OS (it does so
     * concurrently, over a few hundred milliseconds, after {@link #heapAfterGc()}): read every
     * {@link #SETTLE_STEP} until it has not fallen for {@link #SETTLE_READS} reads, at most
     * {@link #SETTLE_LIMIT}. Without this the figure depends on a race and varies by half.
     * Returns -1 where {@code /proc/self/status} is unavailable.
     */
    static long residentBytesSettled() throws InterruptedException {
        long lowest = residentBytes();
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        int stable = 0;
        while (lowest >= 0 && stable < SETTLE_READS && System.nanoTime() < deadline) {
            Thread.sleep(SETTLE_STEP);
            long now = residentBytes();
            stable = now > lowest - SETTLE_BYTES ? stable + 1 : 0;
            lowest = Math.min(lowest, now);
        }
        return lowest;
    }

    /** Resident set size in bytes, or -1 where {@code /proc/self/status} is unavailable. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
