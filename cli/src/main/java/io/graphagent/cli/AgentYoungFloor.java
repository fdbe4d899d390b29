package io.graphagent.cli;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The floor under an agent's young generation (-XX:NewSize): a twentieth of the agent's maximum
 * heap, at least 64 MiB, at most a quarter of that heap.
 *
 * <p>Why of the maximum heap: G1's own floor is 5 % of the <em>committed</em> heap, and an agent
 * with a resident graph keeps its committed heap near the graph's arrays (the free ratios), so
 * after a load G1 answered online queries in 56-64 MiB of eden and grew it only over minutes:
 * 4-14 young collections a minute at 1,000 queries/s (docs/performance.md, branch agc). The same
 * 5 %, taken of the maximum heap the operator gave the agent for its graphs, keeps room for a
 * minute or more of queries' allocation from the first query on; G1 still sizes the young
 * generation above it. The maximum heap is the last -Xmx or -XX:MaxHeapSize= among the options,
 * else the JVM's default: a quarter of the machine's memory (container-aware). Capped at a
 * quarter of the heap: a floor of the whole heap (-Xmx64m) leaves G1 no free region to copy
 * survivors into, every young collection failed its evacuation and full collections followed
 * back to back once the heap held a share (OutOfHeapTest's agents). The launcher
 * (./graphagent, {@code young_floor_mb}) applies the same rule.
 */
final class AgentYoungFloor {
    /** The least floor when the maximum heap allows it, MiB. */
    static final long FLOOR_MB = 64;
    /** The floor is the maximum heap divided by this: 5 %, G1's G1NewSizePercent. */
    static final long HEAP_SHARE = 20;
    /** The JVM's default maximum heap is the machine's memory divided by this (MaxRAMPercentage 25). */
    static final long DEFAULT_HEAP_DIVISOR = 4;

    private AgentYoungFloor() {
    }

    /** The -XX:NewSize option for an agent started with {@code jvmOptions} on this machine. */
    static String option(List<String> jvmOptions) {
        return option(jvmOptions, machineMemoryMb());
    }

    /** The -XX:NewSize option for an agent started with {@code jvmOptions} on a machine of {@code machineMb} MiB (-1: unknown). */
    static String option(List<String> jvmOptions, long machineMb) {
        long maxMb = maxHeapMb(jvmOptions);
        if (maxMb < 0) {
            maxMb = machineMb < 0 ? -1 : machineMb / DEFAULT_HEAP_DIVISOR;
        }
        long floor = maxMb < 0 ? FLOOR_MB : Math.max(1, Math.min(maxMb / 4, Math.max(FLOOR_MB, maxMb / HEAP_SHARE)));
        return "-XX:NewSize=" + floor + "m";
    }

    /** The machine's memory as the JVM sizes its default heap from it (a container's limit when lower), MiB; -1 when unknown. */
    static long machineMemoryMb() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long bytes = os.getTotalMemorySize();
            return bytes > 0 ? bytes >> 20 : -1;
        }
        return -1;
    }

    /** The last -Xmx or -XX:MaxHeapSize= among the options (the JVM takes the last), MiB; -1 when none or unreadable. */
    static long maxHeapMb(List<String> options) {
        long mb = -1;
        for (String option : options) {
            if (option.startsWith("-Xmx")) {
                mb = sizeMb(option.substring("-Xmx".length()));
            } else if (option.startsWith("-XX:MaxHeapSize=")) {
                mb = sizeMb(option.substring("-XX:MaxHeapSize=".length()));
            }
        }
        return mb;
    }

    /** A JVM size (bytes, or with k, m, g or t) in MiB; -1 when unreadable. */
    static long sizeMb(String size) {
        if (size.isEmpty()) {
            return -1;
        }
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        int shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? size : size.substring(0, size.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 12) {
            return -1;
        }
        return (Long.parseLong(digits) << shift) >> 20;
    }
}
