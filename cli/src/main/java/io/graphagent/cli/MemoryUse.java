package io.graphagent.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory figures for the run summary: live heap after a full collection, and the
 * process's resident set from {@code /proc/self/status} (Linux only).
 */
final class MemoryUse {
    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryUse() {
    }

    /** Heap bytes in use after asking for a full collection: roughly what the live data holds. */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
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
