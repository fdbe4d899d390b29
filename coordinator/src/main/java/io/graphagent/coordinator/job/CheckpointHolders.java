package io.graphagent.coordinator.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which agents hold each partition's file of one complete checkpoint when agents keep their
 * checkpoints on their own disks ({@code job.checkpoint-storage: peer-copy}): the writer (the
 * partition's owner when the checkpoint was taken), the agent that keeps its copy (the
 * writer's successor in the ring of agents by id, {@link #copyHolder}), and agents that
 * fetched the file during a restore. A lost agent holds nothing (its disk may be gone), so a
 * partition stays restorable as long as one holder lives. Immutable.
 */
final class CheckpointHolders {
    /** Holders by partition, the writer first. */
    private final Map<Integer, List<String>> holders;

    private CheckpointHolders(Map<Integer, List<String>> holders) {
        this.holders = holders;
    }

    /**
     * The agent that keeps {@code writer}'s copy: the next agent by id after it among
     * {@code agents}, wrapping around; null when {@code writer} is alone. A ring spreads the
     * copies evenly (each agent keeps exactly one peer's files) and needs no state beyond the
     * membership.
     */
    static String copyHolder(String writer, Collection<String> agents) {
        List<String> ring = new ArrayList<>(agents);
        ring.sort(null);
        int i = ring.indexOf(writer);
        if (i < 0 || ring.size() < 2) {
            return null;
        }
        return ring.get((i + 1) % ring.size());
    }

    /**
     * A checkpoint as written: partition {@code p}'s file on its owner in {@code placement},
     * and on {@code copyHolders.get(owner)} when that is set.
     */
    static CheckpointHolders written(Placement placement, Map<String, String> copyHolders) {
        Map<Integer, List<String>> h = new TreeMap<>();
        for (int p = 0; p < placement.partitions(); p++) {
            String writer = placement.ownerOf(p);
            String copy = copyHolders.get(writer);
            h.put(p, copy == null || copy.equals(writer) ? List.of(writer) : List.of(writer, copy));
        }
        return new CheckpointHolders(h);
    }

    /** Holders by partition as recorded (the coordinator's job record), the writer first. */
    static CheckpointHolders of(Map<Integer, List<String>> recorded) {
        Map<Integer, List<String>> h = new TreeMap<>();
        recorded.forEach((p, list) -> h.put(p, List.copyOf(list)));
        return new CheckpointHolders(h);
    }

    /** Holders by partition, for the job record. */
    Map<Integer, List<String>> asMap() {
        return java.util.Collections.unmodifiableMap(holders);
    }

    /** The holders of {@code partition}'s file, the writer first while it holds it. */
    List<String> of(int partition) {
        return holders.getOrDefault(partition, List.of());
    }

    /** The same checkpoint without {@code agent}'s files: it was lost, and so may its disk be. */
    CheckpointHolders without(String agent) {
        Map<Integer, List<String>> h = new TreeMap<>();
        holders.forEach((p, list) -> h.put(p, list.stream().filter(a -> !a.equals(agent)).toList()));
        return new CheckpointHolders(h);
    }

    /** The same checkpoint with {@code agent} holding {@code partitions} too (it fetched them). */
    CheckpointHolders with(String agent, Collection<Integer> partitions) {
        Map<Integer, List<String>> h = new TreeMap<>(holders);
        for (int p : partitions) {
            List<String> list = new ArrayList<>(h.getOrDefault(p, List.of()));
            if (!list.contains(agent)) {
                list.add(agent);
            }
            h.put(p, List.copyOf(list));
        }
        return new CheckpointHolders(h);
    }

    /**
     * Where {@code agent} fetches the files it needs and does not hold, for
     * {@code Restore.replica_addresses}: for each partition of {@code needed} not held by
     * {@code agent}, the data address of its first holder in {@code live} (agent id to data
     * address). Partitions it holds are read from its own disk and are not listed.
     *
     * @throws LostCheckpointException when no live agent holds one of them
     */
    Map<Integer, String> sources(String agent, Collection<Integer> needed, Map<String, String> live)
            throws LostCheckpointException {
        Map<Integer, String> sources = new TreeMap<>();
        for (int p : needed) {
            List<String> list = of(p);
            if (list.contains(agent)) {
                continue;
            }
            String from = list.stream().filter(live::containsKey).findFirst()
                    .orElseThrow(() -> new LostCheckpointException(p, list));
            sources.put(p, live.get(from));
        }
        return sources;
    }

    /** Every holder of a partition's file is lost: the checkpoint cannot be restored. */
    static final class LostCheckpointException extends Exception {
        private static final long serialVersionUID = 1L;
        final int partition;

        LostCheckpointException(int partition, List<String> holders) {
            super("no live agent holds the checkpoint file of partition " + partition
                    + (holders.isEmpty() ? " (its writer and its copy holder are both lost)" : " (held by " + holders + ")"));
            this.partition = partition;
        }
    }
}
