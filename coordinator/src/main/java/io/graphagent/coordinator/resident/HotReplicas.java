package io.graphagent.coordinator.resident;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extra replica of a hot partition, beyond the graph's R: wanted on the least-loaded live
 * agent lacking the partition while it is hot ({@link ResidentGraphs.Heat}), given back once it
 * is no longer hot and the replica has been kept at least {@code query.cool-after}.
 *
 * <p>Which agent holds each extra replica is recorded with the graph ({@link GraphRecordWriter}),
 * so a restarted coordinator or a new leader, to which the agents give back every replica they
 * hold, knows it again, and keeps it from the end of the restore ({@link KeptGraph#settleExtras}):
 * its router starts cold, and the heat of a partition still hot shows only once queries reach
 * the graph again. A partition with more live holders than R and no extra replica known
 * (a record written by a version that did not record them, or a write that failed) has one of
 * them adopted as its extra replica: the holder with the fewest
 * partitions of the graph, ties to the highest id (a hot replica was copied alone onto an agent,
 * so this most likely names it; and a partition copied alone frees its memory when dropped,
 * while one of a load's share frees nothing until the rest of the share goes), kept from now as
 * if just made. So it is given back once the partition is not hot for {@code cool-after}, and
 * the partition is not left with a replica too many for good. Decisions on the {@link KeptGraph}, under the {@link KeptGraphs}
 * lock; time from the caller's injected clock.
 */
final class HotReplicas {
    private static final Logger log = LoggerFactory.getLogger(HotReplicas.class);

    /** What one round does about one graph's extra replicas. */
    record Changes(List<ReplicaPlan.Copy> copies, List<Release> released) {
    }

    /** An extra replica to drop on its agent. */
    record Release(int partition, String agent) {
    }

    private final long keepMillis;

    /** @param keepMillis the least time an extra replica is kept ({@code query.cool-after}), ms */
    HotReplicas(long keepMillis) {
        this.keepMillis = keepMillis;
    }

    /**
     * @param liveHolders live holders of each partition of {@code g}
     * @param base        live replicas wanted without heat: R, at most the live agents
     * @param hot         partitions of {@code g} hot now
     */
    Changes plan(KeptGraph g, List<List<String>> liveHolders, int base, Set<Integer> hot, Set<String> live,
                 ResidentGraphs.Heat heat, long nowMillis) {
        List<ReplicaPlan.Copy> copies = new ArrayList<>();
        List<Release> released = new ArrayList<>();
        for (int p = 0; p < liveHolders.size(); p++) {
            List<String> have = liveHolders.get(p);
            if (g.extra[p] == null && have.size() > base) {
                g.extra[p] = surplus(g, have);
                g.extraSince[p] = nowMillis;
                log.info("event=hot_replica_adopted graph={} partition={} agent={} live_replicas={} cause=surplus"
                        + " detail=\"more live replicas than {}: kept as the extra replica, given back once not hot for"
                        + " query.cool-after\"", g.name, p, g.extra[p], have.size(), base);
            }
            if (g.extra[p] != null) {
                if (!hot.contains(p) && nowMillis - g.extraSince[p] >= keepMillis) {
                    released.add(new Release(p, g.extra[p]));
                    g.holders.get(p).remove(g.extra[p]);
                    log.info("event=hot_replica_released graph={} partition={} agent={} cause=cooled", g.name, p,
                            g.extra[p]);
                    g.extra[p] = null;
                }
            } else if (hot.contains(p) && have.size() >= base && !have.isEmpty() && have.size() < live.size()) {
                List<String> candidates = live.stream().filter(a -> !have.contains(a)).toList();
                String target = heat.leastLoaded(candidates);
                copies.add(new ReplicaPlan.Copy(p, target, have.get(0)));
                g.extra[p] = target;
                g.extraSince[p] = nowMillis;
                log.info("event=hot_replica_wanted graph={} partition={} agent={} cause=hot", g.name, p, target);
            }
        }
        return new Changes(copies, released);
    }

    /** The holder of {@code have} with the fewest partitions of {@code g}, ties to the highest id. */
    static String surplus(KeptGraph g, List<String> have) {
        String pick = null;
        int fewest = Integer.MAX_VALUE;
        for (String agent : new TreeSet<>(have)) {
            int held = g.heldBy(agent).size();
            if (held <= fewest) {
                pick = agent;
                fewest = held;
            }
        }
        return pick;
    }
}
