package io.graphagent.coordinator.resident;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where new replicas go: each to the live agent that holds the fewest partitions (of every
 * resident graph) and does not hold the partition yet, ties to the lowest id, counting the
 * copies planned so far. So the replicas of a fresh load spread evenly, and a lost agent's
 * partitions spread over the survivors. Pure; any thread.
 */
public final class ReplicaPlan {
    private ReplicaPlan() {
    }

    /** One copy to make: partition, the agent that builds it, the holder it copies from. */
    public record Copy(int partition, String target, String source) {
    }

    /**
     * The copies that bring every partition up to {@code wanted[p]} live holders.
     *
     * @param holders    live holders of each partition
     * @param wanted     live holders wanted for each partition (at most the live agents)
     * @param live       the live agents
     * @param heldCounts partitions each agent holds now, over every resident graph
     */
    public static List<Copy> copies(List<? extends Collection<String>> holders, int[] wanted, Collection<String> live,
                                    Map<String, Integer> heldCounts) {
        Map<String, Integer> load = new TreeMap<>();
        for (String agent : live) {
            load.put(agent, heldCounts.getOrDefault(agent, 0));
        }
        List<Copy> plan = new ArrayList<>();
        for (int p = 0; p < holders.size(); p++) {
            Collection<String> have = holders.get(p);
            if (have.isEmpty()) {
                continue;
            }
            String source = have.iterator().next();
            Set<String> now = new java.util.TreeSet<>(have);
            for (int missing = wanted[p] - have.size(); missing > 0; missing--) {
                String target = leastLoaded(load, now);
                if (target == null) {
                    break;
                }
                plan.add(new Copy(p, target, source));
                now.add(target);
                load.merge(target, 1, Integer::sum);
            }
        }
        return plan;
    }

    /** The agent of {@code load} outside {@code exclude} with the least load, ties to the lowest id; null if none. */
    static String leastLoaded(Map<String, Integer> load, Set<String> exclude) {
        String best = null;
        for (Map.Entry<String, Integer> e : load.entrySet()) {
            if (!exclude.contains(e.getKey()) && (best == null || e.getValue() < load.get(best))) {
                best = e.getKey();
            }
        }
        return best;
    }
}
