package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.DropReplicas;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.ReplicatePartitions;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ResidentHeld;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of the resident graphs' replicas, run on the driver: restoring graphs
 * whose agents are back end their wait ({@link GraphRestore#over}); then for each settled
 * graph the copies that bring every partition to R live replicas ({@link ReplicaPlan}), the
 * hot partitions' extra replicas wanted and the cooled ones given back ({@link HotReplicas});
 * the copies are sent to their targets ({@code ReplicatePartitions}) and awaited, a target's
 * report adding it as a holder; then each graph's state is judged again. State under the
 * {@link KeptGraphs} lock, never held while waiting for agents.
 */
final class ReplicaKeeper {
    private static final Logger log = LoggerFactory.getLogger(ReplicaKeeper.class);
    /** Bound on one round of copies (each agent copies its partitions one after the other). */
    static final Duration COPY_DEADLINE = Duration.ofMinutes(5);

    private final AgentDirectory directory;
    private final KeptGraphs kept;
    private final GraphRestore restore;
    private final PendingCommands pending;
    private final HotReplicas hotReplicas;
    private final GraphRecordWriter records;
    private final Clock clock;
    private volatile ResidentGraphs.Heat heat = ResidentGraphs.Heat.NONE;

    ReplicaKeeper(AgentDirectory directory, KeptGraphs kept, GraphRestore restore, PendingCommands pending,
                  HotReplicas hotReplicas, GraphRecordWriter records, Clock clock) {
        this.directory = directory;
        this.kept = kept;
        this.restore = restore;
        this.pending = pending;
        this.hotReplicas = hotReplicas;
        this.records = records;
        this.clock = clock;
    }

    void useHeat(ResidentGraphs.Heat source) {
        this.heat = source;
    }

    /** One round: copies for missing and hot replicas, drops of cooled ones; then the states. */
    void reconcile() {
        try {
            // ALIVE and reported: an agent whose Hello is not taken in yet is neither back nor empty.
            Set<String> live = new TreeSet<>(directory.alive().stream().map(AgentView::agentId)
                    .filter(kept.reported::contains).toList());
            Map<String, String> addresses = new HashMap<>();
            directory.alive().forEach(a -> addresses.put(a.agentId(), a.dataAddress()));
            List<Round> rounds = new ArrayList<>();
            List<KeptGraph> settled = new ArrayList<>();
            synchronized (kept) {
                endRestores(live);
                Map<String, Integer> counts = kept.heldCounts();
                for (KeptGraph g : kept.byName.values()) {
                    if (kept.settled(g)) {
                        rounds.add(plan(g, live, counts));
                    }
                }
            }
            for (Round round : rounds) {
                // Before the copies: a coordinator that dies while they run leaves the extra replicas recorded.
                recordExtras(round.graph);
                round.dropCooled();
                round.copy(addresses);
            }
            synchronized (kept) {
                for (KeptGraph g : kept.byName.values()) {
                    if (kept.settled(g)) {
                        g.judge(live);
                        settled.add(g);
                    }
                }
            }
            settled.forEach(this::recordExtras);
        } catch (RuntimeException e) {
            log.error("event=resident_reconcile_failed detail=\"{}\"", e.toString(), e);
        } finally {
            kept.publish();
        }
    }

    /** Ends the wait of restoring graphs whose agents are back ({@link GraphRestore#over}); under the lock. */
    private void endRestores(Set<String> live) {
        for (KeptGraph g : kept.byName.values()) {
            if (g.restoring && restore.over(g, live, clock.instant())) {
                g.restoring = false;
                List<Integer> forgotten = g.settleExtras(clock.millis());
                if (!forgotten.isEmpty()) {
                    log.info("event=hot_replicas_forgotten graph={} partitions={} detail=\"their recorded agents did not"
                            + " give these extra replicas back after the coordinator restart\"", g.name, forgotten);
                }
                g.judge(live);
                List<Integer> unheld = GraphRestore.unheld(g, live);
                if (unheld.isEmpty()) {
                    log.info("event=resident_restored graph={} generation={} state={} detail=\"{}\"", g.name, g.generation,
                            g.state, g.message);
                } else {
                    log.warn("event=resident_restored graph={} generation={} state={} missing_partitions={} detail=\"no live"
                            + " agent reported these partitions after the coordinator restart; queries touching them fail\""
                            + " fix=\"start the agents that held them, or graphagent graph drop {} and load it again\"",
                            g.name, g.generation, g.state, unheld, g.name);
                }
            }
        }
    }

    /**
     * Records the extra replicas of {@code g} when they changed this round, so that a restarted
     * coordinator or a new leader knows which replica to give back; a failed write is logged and
     * tried again next round.
     */
    private void recordExtras(KeptGraph g) {
        try {
            if (records.saveExtras(g)) {
                log.debug("event=hot_replicas_recorded graph={}", g.name);
            }
        } catch (io.graphagent.coordinator.store.StoreException e) {
            log.warn("event=resident_record_not_saved graph={} detail=\"{}\" fix=\"none needed: written again at the next"
                    + " reconciliation; until then a new leader takes one replica of a hot partition for its extra one\"",
                    g.name, e.getMessage());
        }
    }

    /** What one graph needs this round; under the lock. */
    private Round plan(KeptGraph g, Set<String> live, Map<String, Integer> counts) {
        List<List<String>> liveHolders = g.liveHolders(live);
        int base = Math.min(g.replicas, live.size());
        int[] wanted = new int[liveHolders.size()];
        java.util.Arrays.fill(wanted, base);
        List<ReplicaPlan.Copy> copies = new ArrayList<>(ReplicaPlan.copies(liveHolders, wanted, live, counts));
        HotReplicas.Changes hot = hotReplicas.plan(g, liveHolders, base, heat.hot(g.name), live, heat, clock.millis());
        copies.addAll(hot.copies());
        return new Round(g, copies, hot.released());
    }

    /** One graph's copies and drops of a round, with its generation and layout as planned (under the lock). */
    private final class Round {
        private final KeptGraph graph;
        private final long generation;
        private final io.graphagent.protocol.v1.GraphLayout layout;
        private final List<ReplicaPlan.Copy> copies;
        private final List<HotReplicas.Release> released;

        Round(KeptGraph graph, List<ReplicaPlan.Copy> copies, List<HotReplicas.Release> released) {
            this.graph = graph;
            this.generation = graph.generation;
            this.layout = graph.layout;
            this.copies = copies;
            this.released = released;
        }

        void dropCooled() {
            for (HotReplicas.Release r : released) {
                pending.send(r.agent(), graph.jobId, generation, Command.newBuilder().setDropReplicas(
                        DropReplicas.newBuilder().addPartitionIds(r.partition())))
                        .thenAccept(report -> held(graph, r.agent(), report, Set.of()));
            }
        }

        /** Sends each target its copies and waits for all; a target's report adds it as a holder. */
        void copy(Map<String, String> addresses) {
            Map<String, List<ReplicaPlan.Copy>> byTarget = new TreeMap<>();
            copies.forEach(c -> byTarget.computeIfAbsent(c.target(), t -> new ArrayList<>()).add(c));
            Map<String, CompletableFuture<Report>> answers = new TreeMap<>();
            for (Map.Entry<String, List<ReplicaPlan.Copy>> e : byTarget.entrySet()) {
                ReplicatePartitions.Builder order = ReplicatePartitions.newBuilder().setGraph(graph.name)
                        .setLayout(layout);
                for (ReplicaPlan.Copy c : e.getValue()) {
                    order.addSources(PartitionOwner.newBuilder().setPartitionId(c.partition()).setAgentId(c.source())
                            .setDataAddress(addresses.getOrDefault(c.source(), "")));
                }
                log.info("event=replicas_copying graph={} agent={} partitions={}", graph.name, e.getKey(),
                        e.getValue().stream().map(ReplicaPlan.Copy::partition).toList());
                answers.put(e.getKey(), pending.send(e.getKey(), graph.jobId, generation,
                        Command.newBuilder().setReplicatePartitions(order)));
            }
            for (Map.Entry<String, CompletableFuture<Report>> e : answers.entrySet()) {
                String agent = e.getKey();
                Set<Integer> planned = new TreeSet<>(byTarget.get(agent).stream().map(ReplicaPlan.Copy::partition).toList());
                try {
                    held(graph, agent, e.getValue().get(COPY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), planned);
                } catch (ExecutionException | TimeoutException ex) {
                    String why = ex instanceof ExecutionException ? ex.getCause().getMessage() : "no answer within "
                            + COPY_DEADLINE.toMinutes() + " min";
                    log.warn("event=replicas_not_copied graph={} agent={} partitions={} detail=\"{}\"", graph.name, agent,
                            planned, why);
                    forgetExtra(graph, agent, planned);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** An agent's account of what it holds: its bytes, and the planned partitions it now has. */
    private void held(KeptGraph graph, String agent, Report report, Set<Integer> planned) {
        synchronized (kept) {
            if (!kept.current(graph)) {
                return;
            }
            if (report.hasFailure()) {
                log.warn("event=replicas_not_copied graph={} agent={} partitions={} detail=\"{}\"", graph.name, agent,
                        planned, report.getFailure().getMessage());
                forgetExtra(graph, agent, planned);
                return;
            }
            ResidentHeld held = report.getResidentHeld();
            graph.bytes.put(agent, held.getBytes());
            for (int p : held.getPartitionIdsList()) {
                if (planned.contains(p) && p < graph.holders.size()) {
                    graph.holders.get(p).add(agent);
                }
            }
            if (!planned.isEmpty()) {
                log.info("event=replicas_built graph={} agent={} partitions={} bytes={} ms={}", graph.name, agent,
                        held.getPartitionIdsList(), held.getBytes(), held.getTimeMs());
            }
        }
    }

    private void forgetExtra(KeptGraph graph, String agent, Set<Integer> planned) {
        synchronized (kept) {
            for (int p : planned) {
                if (p < graph.extra.length && agent.equals(graph.extra[p])) {
                    graph.extra[p] = null;
                }
            }
        }
    }
}
