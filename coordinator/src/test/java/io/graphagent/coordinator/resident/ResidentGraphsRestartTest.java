package io.graphagent.coordinator.resident;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.Profile;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.store.GraphRecords;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.ExtraReplica;
import io.graphagent.protocol.v1.GraphLayout;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.ReplicaMemory;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.ResidentHeld;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.StoredGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator restarted with resident graphs in its store (ResidentGraphs over a scripted
 * membership, on a fake clock): the agents' Hellos give the replicas back, a graph restores
 * once its partitions have their replicas or the rejoin window passed, and what nobody should
 * hold any more is dropped on the agent.
 */
class ResidentGraphsRestartTest {
    private static final GraphagentConfig CONFIG = Profile.TEST.defaults();
    /** 4 partitions of 4 vertices each, ids 0..15 dense. */
    private static final GraphLayout LAYOUT = GraphLayout.newBuilder().setDirected(true).setEdges(40).setBlockShift(2)
            .setBlockCount(4).addAllFirstBlock(List.of(0, 1, 2, 3, 4)).addAllFirstVertex(List.of(0, 4, 8, 12, 16))
            .setDenseIds(true).build();
    private static final StoredGraph RMAT = StoredGraph.newBuilder().setName("rmat").setSource("/data/rmat").setReplicas(2)
            .setGeneration(7).setState(ResidentState.GRAPH_READY).setLayout(LAYOUT).setAcceptedTimeMs(1)
            .setLoadedTimeMs(2).build();

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-06T04:00:00Z"));
    private final Agents agents = new Agents();
    private final List<StoredGraph> saved = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private final GraphRecords records = new GraphRecords() {
        @Override
        public void save(StoredGraph graph) {
            saved.add(graph);
        }

        @Override
        public void delete(String name) {
            deleted.add(name);
        }
    };
    private ResidentGraphs graphs;

    @AfterEach
    void close() {
        if (graphs != null) {
            graphs.close();
        }
    }

    private ResidentGraphs restart(Set<String> knownAgents, StoredGraph... stored) {
        graphs = new ResidentGraphs(agents, CONFIG, clock, new AtomicLong(), new ResidentRestart(records, List.of(stored),
                knownAgents));
        return graphs;
    }

    /** Heat with {@code hotPartitions} hot (the set returned, to change) and the lowest id least loaded. */
    private Set<Integer> useHeat(Integer... hotPartitions) {
        Set<Integer> hot = new java.util.concurrent.CopyOnWriteArraySet<>(List.of(hotPartitions));
        graphs.useHeat(new ResidentGraphs.Heat() {
            @Override
            public Set<Integer> hot(String graph) {
                return Set.copyOf(hot);
            }

            @Override
            public String leastLoaded(java.util.Collection<String> candidates) {
                return new java.util.TreeSet<>(candidates).first();
            }
        });
        return hot;
    }

    private static HeldPartitions held(String graph, long generation, long bytes, Integer... partitions) {
        return HeldPartitions.newBuilder().setJobId("graph-" + graph).setGeneration(generation).setBytes(bytes)
                .addAllPartitionIds(List.of(partitions)).build();
    }

    @Test
    void theAgentsHellosGiveTheGraphBackAsItWasAndAJobOnItWaitsUntilThen() throws Exception {
        restart(Set.of("agent-1", "agent-2"), RMAT);
        assertThat(graphs.restoring("rmat")).isTrue();
        assertThat(graphs.list()).singleElement().satisfies(g -> {
            assertThat(g.getState()).isEqualTo(ResidentState.GRAPH_LOADING);
            assertThat(g.getMessage()).contains("restoring after a coordinator restart");
            assertThat(g.getVertices()).isEqualTo(16);
            assertThat(g.getGeneration()).isEqualTo(7);
        });
        assertThat(graphs.view("rmat").queryable()).as("queries wait while it restores").isFalse();

        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).as("agent-2 holds the second replicas and is on its way").isTrue();
        assertThat(agents.commands).as("no copies while restoring").isEmpty();

        agents.join("agent-2", held("rmat", 7, 900, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        ResidentGraph g = graphs.list().getFirst();
        assertThat(g.getState()).as(g.getMessage()).isEqualTo(ResidentState.GRAPH_READY);
        assertThat(g.getMemoryList()).containsExactly(
                ReplicaMemory.newBuilder().setAgentId("agent-1").addAllPartitionIds(List.of(0, 1, 2, 3)).setBytes(1000).build(),
                ReplicaMemory.newBuilder().setAgentId("agent-2").addAllPartitionIds(List.of(0, 1, 2, 3)).setBytes(900).build());
        assertThat(graphs.view("rmat").holders()).containsOnly(List.of("agent-1", "agent-2"));
        assertThat(graphs.find("rmat")).get().satisfies(c -> {
            assertThat(c.generation()).isEqualTo(7);
            assertThat(c.holders()).hasSize(4).containsOnly(List.of("agent-1", "agent-2"));
        });
        assertThat(agents.commands).isEmpty();
    }

    @Test
    void anAgentAliveWhoseHelloIsNotTakenInYetNeitherEndsTheRestoreNorIsCopiedTo() throws Exception {
        // After a change of leader every agent resumes at once: the membership says ALIVE seconds before its
        // listeners hear of it. Counted back then, agent-2 ended the restore before its replicas were taken back.
        restart(Set.of("agent-1", "agent-2"), RMAT);
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.joinUntold("agent-2", held("rmat", 7, 900, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).as("agent-2's replicas are not taken back yet").isTrue();
        assertThat(agents.commands).as("no copies onto an agent whose report is on its way").isEmpty();

        agents.tell("agent-2");
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        assertThat(graphs.list().getFirst().getState()).isEqualTo(ResidentState.GRAPH_READY);
        assertThat(graphs.view("rmat").holders()).containsOnly(List.of("agent-1", "agent-2"));
        assertThat(agents.commands).isEmpty();
    }

    @Test
    void afterTheRejoinWindowMissingReplicasAreCopiedFromTheRemainingOnesAndAPartitionNobodyHoldsIsUnavailable()
            throws Exception {
        restart(Set.of("agent-1", "agent-2", "agent-3"), RMAT);
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2));
        agents.join("agent-2");
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).as("agent-3 is still expected").isTrue();

        clock.advance(io.graphagent.coordinator.job.Rejoin.window(CONFIG.session()));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        // Partitions 0-2 get their second replica on agent-2, copied from agent-1; nobody reported partition 3.
        assertThat(agents.commands).singleElement().satisfies(c -> {
            assertThat(c.agent()).isEqualTo("agent-2");
            assertThat(c.command().getReplicatePartitions().getSourcesList()).extracting(s -> s.getPartitionId() + "<-"
                    + s.getAgentId()).containsExactly("0<-agent-1", "1<-agent-1", "2<-agent-1");
            assertThat(c.command().getJobEpoch()).isEqualTo(7);
        });
        ResidentGraph g = graphs.list().getFirst();
        assertThat(g.getState()).isEqualTo(ResidentState.GRAPH_UNAVAILABLE);
        assertThat(g.getMessage()).isEqualTo("partition 3 has no live replica: queries touching it fail. Fix: start the"
                + " agent that held it, or graph drop rmat and load it again");
    }

    @Test
    void anUnknownGraphOrAnotherGenerationIsDroppedAndSurplusReplicasAreGivenBack() throws Exception {
        restart(Set.of("agent-1", "agent-2"), RMAT);
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();

        // agent-3 holds a generation that was dropped and a graph never recorded; agent-4 replicas nobody needs.
        agents.join("agent-3", held("rmat", 6, 500, 0, 1), held("web", 2, 500, 0));
        agents.join("agent-4", held("rmat", 7, 500, 0, 1));
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly(
                "agent-3 graph-rmat epoch=6 drop=[]", "agent-3 graph-web epoch=2 drop=[]", "agent-4 graph-rmat epoch=7 drop=[0, 1]");
        agents.commands.clear();

        // agent-2 is lost: its replicas are made again on agent-3 and agent-4 from agent-1 ...
        graphs.reconcileAndWait(); // the joins' rounds done: none saw agent-2 live and planned after it was lost
        agents.leave("agent-2");
        graphs.reconcileAndWait();
        assertThat(agents.commands).allSatisfy(c -> assertThat(c.command().hasReplicatePartitions()).isTrue())
                .extracting(Agents.Sent::agent).containsExactlyInAnyOrder("agent-3", "agent-4");
        assertThat(graphs.list().getFirst().getState()).isEqualTo(ResidentState.GRAPH_READY);
        agents.commands.clear();
        // ... so when it comes back with them, it gives them back.
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly("agent-2 graph-rmat epoch=7 drop=[0, 1, 2, 3]");
        assertThat(graphs.find("rmat")).get().satisfies(c -> assertThat(c.holders()).allSatisfy(h -> assertThat(h)
                .hasSize(2).contains("agent-1").doesNotContain("agent-2")));
        assertThat(saved).as("taking replicas back writes no record").isEmpty();
    }

    @Test
    void aHotPartitionsExtraReplicaTakenBackAfterTheRestartIsGivenBackOnceItIsCool() throws Exception {
        restart(Set.of("agent-1", "agent-2", "agent-3"), RMAT);
        Set<Integer> hot = useHeat(0);
        // Before the restart partition 0 was hot: agent-3 held its extra replica, beside R = 2 on agent-1 and agent-2.
        // agent-3 first: agent-1 and agent-2 complete the restore, after which a surplus replica reported is dropped.
        agents.join("agent-3", held("rmat", 7, 100, 0));
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        assertThat(graphs.view("rmat").holders().getFirst()).containsExactly("agent-1", "agent-2", "agent-3");
        assertThat(agents.commands).as("still hot: kept, nothing copied").isEmpty();

        java.time.Duration coolAfter = CONFIG.query().coolAfter();
        clock.advance(coolAfter.multipliedBy(3));
        graphs.reconcileAndWait();
        assertThat(agents.commands).as("hot for 3 x cool-after: kept").isEmpty();

        hot.clear();
        graphs.reconcileAndWait();
        // Kept since the restart far longer than cool-after, and cool now: given back, on the agent that held it alone.
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly("agent-3 graph-rmat epoch=7 drop=[0]");
        assertThat(graphs.view("rmat").holders().getFirst()).containsExactly("agent-1", "agent-2");
        agents.commands.clear();
        clock.advance(coolAfter);
        graphs.reconcileAndWait();
        assertThat(agents.commands).as("R replicas left: nothing more").isEmpty();
        assertThat(graphs.list().getFirst().getState()).isEqualTo(ResidentState.GRAPH_READY);
    }

    @Test
    void theRecordedExtraReplicaIsTheOneGivenBackAfterTheRestartEvenOnTheAgentHoldingTheMost() throws Exception {
        // Before the restart partition 0 was hot: its extra replica went to agent-3, which holds the most partitions
        // (so "the holder with the fewest partitions" would name agent-1, one of the R).
        StoredGraph recorded = RMAT.toBuilder().addExtraReplicas(ExtraReplica.newBuilder().setPartition(0)
                .setAgentId("agent-3")).build();
        restart(Set.of("agent-1", "agent-2", "agent-3"), recorded);
        agents.join("agent-1", held("rmat", 7, 1000, 0, 2));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 3));
        agents.join("agent-3", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        assertThat(graphs.view("rmat").holders().getFirst()).containsExactly("agent-1", "agent-2", "agent-3");
        assertThat(saved).as("the extra replica as recorded: nothing to write").isEmpty();

        java.time.Duration coolAfter = CONFIG.query().coolAfter();
        clock.advance(coolAfter.minusMillis(1));
        graphs.reconcileAndWait();
        assertThat(agents.commands).as("kept cool-after from the end of the restore").isEmpty();
        clock.advance(java.time.Duration.ofMillis(1));
        graphs.reconcileAndWait();
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly("agent-3 graph-rmat epoch=7 drop=[0]");
        assertThat(graphs.view("rmat").holders()).containsExactly(List.of("agent-1", "agent-2"), List.of("agent-2", "agent-3"),
                List.of("agent-1", "agent-3"), List.of("agent-2", "agent-3"));
        assertThat(saved).as("the release is recorded").singleElement()
                .satisfies(r -> assertThat(r.getExtraReplicasList()).isEmpty());
    }

    @Test
    void aRecordedExtraReplicaIsKeptCoolAfterFromTheEndOfALongRestoreSoTheHeatCanShowFirst() throws Exception {
        StoredGraph recorded = RMAT.toBuilder().addExtraReplicas(ExtraReplica.newBuilder().setPartition(0)
                .setAgentId("agent-3")).build();
        restart(Set.of("agent-1", "agent-2", "agent-3"), recorded);
        Set<Integer> hot = useHeat();
        // The agents take longer than cool-after to come back: no query could reach the graph, so no heat yet.
        java.time.Duration coolAfter = CONFIG.query().coolAfter();
        clock.advance(coolAfter.multipliedBy(3));
        // agent-3 first: agent-1 and agent-2 complete the restore, after which a surplus replica reported is dropped.
        agents.join("agent-3", held("rmat", 7, 100, 0));
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        assertThat(agents.commands).as("restored just now: the extra replica is kept cool-after").isEmpty();

        // Queries reach the graph now and partition 0 is still hot: kept as long as the heat lasts, nothing copied.
        hot.add(0);
        clock.advance(coolAfter.multipliedBy(3));
        graphs.reconcileAndWait();
        assertThat(agents.commands).as("hot on the new coordinator: kept, nothing copied").isEmpty();
        assertThat(graphs.view("rmat").holders().getFirst()).containsExactly("agent-1", "agent-2", "agent-3");

        hot.clear();
        graphs.reconcileAndWait();
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly("agent-3 graph-rmat epoch=7 drop=[0]");
        assertThat(graphs.view("rmat").holders().getFirst()).containsExactly("agent-1", "agent-2");
    }

    @Test
    void aHotPartitionsExtraReplicaIsRecordedWhenMadeAndForgottenWhenItsAgentDoesNotComeBack() throws Exception {
        restart(Set.of("agent-1", "agent-2", "agent-3"), RMAT);
        Set<Integer> hot = useHeat(1);
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-3");
        graphs.reconcileAndWait();
        assertThat(agents.commands).extracting(c -> c.agent() + " copies " + c.command().getReplicatePartitions()
                .getSourcesList().stream().map(p -> p.getPartitionId()).toList()).containsExactly("agent-3 copies [1]");
        graphs.reconcileAndWait();
        ExtraReplica extra = ExtraReplica.newBuilder().setPartition(1).setAgentId("agent-3").build();
        assertThat(saved).as("the extra replica is recorded once").singleElement()
                .satisfies(r -> assertThat(r.getExtraReplicasList()).containsExactly(extra));

        // A later coordinator reads that record, but agent-3 does not come back: the extra replica is forgotten.
        graphs.close();
        agents.listeners.clear();
        saved.clear();
        agents.commands.clear();
        agents.leave("agent-3");
        restart(Set.of("agent-1", "agent-2", "agent-3"), RMAT.toBuilder().addExtraReplicas(extra).build());
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        assertThat(saved).as("the forgotten extra replica is recorded").singleElement()
                .satisfies(r -> assertThat(r.getExtraReplicasList()).isEmpty());
        assertThat(graphs.view("rmat").holders().get(1)).containsExactly("agent-1", "agent-2");
        assertThat(agents.commands).as("R replicas live, nothing to copy or drop").isEmpty();
    }

    @Test
    void aSurplusReplicaAfterTheRestartIsKeptCoolAfterBeforeItIsGivenBack() throws Exception {
        // No heat known yet (the restarted router starts cold): the surplus replica is not dropped at once.
        restart(Set.of("agent-1", "agent-2", "agent-3"), RMAT);
        // agent-3 first: agent-1 and agent-2 complete the restore, after which a surplus replica reported is dropped.
        agents.join("agent-3", held("rmat", 7, 100, 2));
        agents.join("agent-1", held("rmat", 7, 1000, 0, 1, 2, 3));
        agents.join("agent-2", held("rmat", 7, 1000, 0, 1, 2, 3));
        graphs.reconcileAndWait();
        assertThat(graphs.restoring("rmat")).isFalse();
        java.time.Duration coolAfter = CONFIG.query().coolAfter();
        clock.advance(coolAfter.minusMillis(1));
        graphs.reconcileAndWait();
        assertThat(agents.commands).as("adopted as the extra replica just now: kept cool-after").isEmpty();

        clock.advance(java.time.Duration.ofMillis(1));
        graphs.reconcileAndWait();
        assertThat(agents.commands).extracting(Agents.Sent::describe).containsExactly("agent-3 graph-rmat epoch=7 drop=[2]");
        assertThat(graphs.view("rmat").holders().get(2)).containsExactly("agent-1", "agent-2");
    }

    @Test
    void aLoadTheRestartCutShortIsFailedWithTheFixAndItsSharesAreDropped() throws Exception {
        restart(Set.of("agent-1"), RMAT.toBuilder().setName("half").clearLayout().setState(ResidentState.GRAPH_LOADING)
                .build());
        assertThat(graphs.list()).singleElement().satisfies(g -> {
            assertThat(g.getState()).isEqualTo(ResidentState.GRAPH_FAILED);
            assertThat(g.getMessage()).isEqualTo("the coordinator restarted while the graph loaded. Fix: graphagent graph"
                    + " drop half, then load it again");
        });
        agents.join("agent-1", held("half", 7, 10, 0));
        assertThat(agents.commands).singleElement().satisfies(c -> {
            assertThat(c.command().getJobId()).isEqualTo("graph-half");
            assertThat(c.command().hasDropReplicas()).isTrue();
        });
        graphs.drop("half");
        assertThat(deleted).containsExactly("half");
    }

    /** A scripted membership: agents join with what their Hello held; commands are recorded, never answered. */
    private final class Agents implements AgentDirectory {
        record Sent(String agent, Command command) {
            String describe() {
                return agent + " " + command.getJobId() + " epoch=" + command.getJobEpoch() + " drop="
                        + command.getDropReplicas().getPartitionIdsList();
            }
        }

        final List<Sent> commands = new CopyOnWriteArrayList<>();
        final Map<String, List<HeldPartitions>> hellos = new TreeMap<>();
        final List<MembershipListener> listeners = new ArrayList<>();

        void join(String agent, HeldPartitions... held) {
            joinUntold(agent, held);
            tell(agent);
        }

        /** ALIVE with what its Hello held, the transition not yet told to the listeners. */
        synchronized void joinUntold(String agent, HeldPartitions... held) {
            hellos.put(agent, List.of(held));
        }

        /** Tells the listeners that {@code agent} turned ALIVE. */
        void tell(String agent) {
            listeners.forEach(l -> l.onTransition(agent, AgentState.JOINING, AgentState.ALIVE, "first_heartbeat"));
        }

        void leave(String agent) {
            synchronized (this) {
                hellos.remove(agent);
            }
            listeners.forEach(l -> l.onTransition(agent, AgentState.ALIVE, AgentState.DEAD, "lease_expired"));
        }

        @Override
        public synchronized List<AgentView> alive() {
            return hellos.keySet().stream().map(a -> new AgentView(a, SessionEpoch.of(1), "127.0.0.1:1", 2, 1)).toList();
        }

        /** Records the command and answers it at once, as an agent that copies or drops instantly would. */
        @Override
        public boolean send(String agentId, Command command) {
            commands.add(new Sent(agentId, command));
            ResidentHeld.Builder held = ResidentHeld.newBuilder().setGraph(command.getJobId().substring("graph-".length()));
            command.getReplicatePartitions().getSourcesList().forEach(s -> held.addPartitionIds(s.getPartitionId()));
            Thread.ofPlatform().start(() -> graphs.onReport(agentId, Report.newBuilder().setCommandId(command.getCommandId())
                    .setJobId(command.getJobId()).setResidentHeld(held.setBytes(100)).build()));
            return true;
        }

        @Override
        public void setReportSink(ReportSink sink) {
        }

        @Override
        public void addListener(MembershipListener listener) {
            listeners.add(listener);
        }

        @Override
        public synchronized List<HeldPartitions> held(String agentId) {
            return hellos.getOrDefault(agentId, List.of());
        }
    }
}
