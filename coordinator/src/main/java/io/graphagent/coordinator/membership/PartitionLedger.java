package io.graphagent.coordinator.membership;

import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.HeldPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The partitions one agent was told to own, per job, as read from the commands sent to it
 * (LoadPartitions and Restore assign, Abort and Release drop the job). Membership learns
 * ownership this way without asking the job layer, for status and for checking a resumed
 * agent's held partitions. Not thread-safe: guarded by {@link Membership}'s lock.
 */
final class PartitionLedger {

    private final Map<String, SortedSet<Integer>> byJob = new TreeMap<>();

    void observe(Command command) {
        String job = command.getJobId();
        switch (command.getKindCase()) {
            case LOAD_PARTITIONS -> byJob.put(job, new TreeSet<>(command.getLoadPartitions().getPartitionIdsList()));
            case RESTORE -> byJob.put(job, new TreeSet<>(command.getRestore().getPartitionIdsList()));
            case ABORT, RELEASE -> byJob.remove(job);
            default -> {
                // Other commands do not move partitions.
            }
        }
    }

    void clear() {
        byJob.clear();
    }

    int count() {
        return byJob.values().stream().mapToInt(SortedSet::size).sum();
    }

    /**
     * Partitions assigned here but absent from what an agent says it holds, as
     * {@code job:p,p;job:p}; empty when it holds all.
     */
    String missingFrom(List<HeldPartitions> held) {
        Map<String, SortedSet<Integer>> has = new TreeMap<>();
        for (HeldPartitions h : held) {
            has.computeIfAbsent(h.getJobId(), j -> new TreeSet<>()).addAll(h.getPartitionIdsList());
        }
        List<String> missing = new ArrayList<>();
        byJob.forEach((job, assigned) -> {
            SortedSet<Integer> lacking = new TreeSet<>(assigned);
            lacking.removeAll(has.getOrDefault(job, new TreeSet<>()));
            if (!lacking.isEmpty()) {
                missing.add(job + ":" + String.join(",", lacking.stream().map(String::valueOf).toList()));
            }
        });
        return String.join(";", missing);
    }
}
