package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.HeldPartitions;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of the replicas an agent reports in its Hello when it turns ALIVE ({@link
 * GraphRestore#decide}): those a graph needs are taken back as its holders; what this
 * coordinator does not know, or knows in another generation, the agent drops whole; what
 * has enough live replicas already (made again while the agent was away) it drops by
 * partition. Thread-safe (state under the {@link KeptGraphs} lock).
 */
final class ReplicaTakeBack {
    private static final Logger log = LoggerFactory.getLogger(ReplicaTakeBack.class);

    private final AgentDirectory directory;
    private final KeptGraphs kept;
    private final GraphRestore restore;
    private final PendingCommands pending;
    private final Clock clock;

    ReplicaTakeBack(AgentDirectory directory, KeptGraphs kept, GraphRestore restore, PendingCommands pending, Clock clock) {
        this.directory = directory;
        this.kept = kept;
        this.restore = restore;
        this.pending = pending;
        this.clock = clock;
    }

    /** Takes in what {@code agent} reported it holds; publishes the views when a graph took some back. */
    void agentAlive(String agent) {
        Set<String> live = new TreeSet<>(directory.alive().stream().map(AgentView::agentId).toList());
        live.add(agent);
        boolean changed = false;
        synchronized (kept) {
            restore.agentBack(clock.instant());
        }
        for (HeldPartitions held : directory.held(agent)) {
            if (held.getJobId().startsWith("graph-")) {
                changed |= takeBack(agent, held, live);
            }
        }
        kept.reported.add(agent);
        if (changed) {
            kept.publish();
        }
    }

    /** One graph's replicas on {@code agent}; whether the graph took some back. */
    private boolean takeBack(String agent, HeldPartitions held, Set<String> live) {
        String name = held.getJobId().substring("graph-".length());
        GraphRestore.Decision decision;
        long generation;
        synchronized (kept) {
            KeptGraph g = kept.byName.get(name);
            if (held.getGeneration() > 0) {
                kept.generations.merge(name, held.getGeneration(), Math::max);
            }
            decision = GraphRestore.decide(g, agent, held, live);
            generation = g == null ? 0 : g.generation;
            if (!decision.takeBack().isEmpty()) {
                decision.takeBack().forEach(p -> g.holders.get(p).add(agent));
                g.bytes.put(agent, held.getBytes());
            }
        }
        if (!decision.takeBack().isEmpty()) {
            log.info("event=replicas_taken_back graph={} agent={} generation={} partitions={} bytes={}", name, agent,
                    generation, decision.takeBack(), held.getBytes());
        }
        long epoch = held.getGeneration() > 0 ? held.getGeneration() : Long.MAX_VALUE;
        if (decision.dropAll()) {
            log.info("event=resident_orphan_dropped graph={} agent={} generation={} known_generation={}", name, agent,
                    held.getGeneration(), generation);
            pending.send(agent, held.getJobId(), epoch, Command.newBuilder().setDropReplicas(
                    DropReplicas.newBuilder().setGraph(name)));
        } else if (!decision.drop().isEmpty()) {
            log.info("event=surplus_replicas_dropped graph={} agent={} partitions={} detail=\"enough live replicas"
                    + " were made while it was away\"", name, agent, decision.drop());
            pending.send(agent, held.getJobId(), epoch, Command.newBuilder().setDropReplicas(
                    DropReplicas.newBuilder().setGraph(name).addAllPartitionIds(decision.drop())))
                    .thenAccept(r -> {
                        synchronized (kept) {
                            KeptGraph g = kept.byName.get(name);
                            if (g != null && !r.hasFailure() && r.hasResidentHeld()) {
                                g.bytes.put(agent, r.getResidentHeld().getBytes());
                            }
                        }
                    });
        }
        return !decision.takeBack().isEmpty();
    }
}
