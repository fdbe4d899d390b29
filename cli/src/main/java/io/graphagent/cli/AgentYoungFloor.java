package io.graphagent.cli;

import java.util.List;

/**
 * The floor under an agent's young generation (-XX:NewSize): 64 MiB, so online queries do not
 * run collection after collection in a few MiB of eden, but at most a quarter of the agent's
 * maximum heap when its -Xmx is small. A floor of the whole heap (-Xmx64m) leaves G1 no free
 * region to copy survivors into: every young collection failed its evacuation and full
 * collections followed back to back once the heap held a share (OutOfHeapTest's agents). The
 * launcher (./graphagent) caps it the same way.
 */
final class AgentYoungFloor {
    /** The floor when the maximum heap is large or not given, MiB. */
    static final long FLOOR_MB = 64;

    private AgentYoungFloor() {
    }

    /** The -XX:NewSize option for an agent started with {@code jvmOptions}. */
    static String option(List<String> jvmOptions) {
        long maxMb = maxHeapMb(jvmOptions);
        long floor = maxMb < 0 ? FLOOR_MB : Math.max(1, Math.min(FLOOR_MB, maxMb / 4));
        return "-XX:NewSize=" + floor + "m";
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
