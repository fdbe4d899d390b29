package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.QueryConfig;
import io.graphagent.config.QueryRouting;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.resident.GraphView;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.SessionEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.PartitionRoute;
import io.graphagent.protocol.v1.ResidentState;
import io.graphagent.protocol.v1.ShardLoad;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routing decisions and partition heat on an injected clock: no sleeps, no threads. */
class RouterTest {
    /** A clock the test moves. */
    private static final class StepClock extends Clock {
        private long millis = 1_000_000;

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final StepClock clock = new StepClock();
    private final List<AgentView> alive = new ArrayList<>(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")));
    /** Two partitions: 0 on agent-1 and agent-2, 1 on agent-2 and agent-3. */
    private final GraphView graph = new GraphView("g", 7, ResidentState.GRAPH_READY,
            new Partitioning(IdBlocks.covering(0, 9), new int[] {0, 5, 10}, new int[] {0, 5, 10}), true, true,
            List.of(List.of("agent-1", "agent-2"), List.of("agent-2", "agent-3")));

    private static AgentView agent(String id) {
        return new AgentView(id, SessionEpoch.of(1), "127.0.0.1:1", 2, 1);
    }

    private Router router(QueryConfig config) {
        return new Router(config, clock, () -> List.copyOf(alive));
    }

    private static ShardLoad load(int inFlight, long latencyMicros) {
        return ShardLoad.newBuilder().setInFlight(inFlight).setLatencyMicros(latencyMicros).build();
    }

    @Test
    void heatRoutesToTheReplicaWithTheLeastInFlightTimesLatency() {
        Router router = router(QueryConfig.defaults());
        // Nothing known: equal costs, taken in turn.
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-1");
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");

        router.load("agent-1").reported(load(4, 20_000), clock.millis());
        router.load("agent-2").reported(load(4, 5_000), clock.millis());
        assertThat(router.route(graph, 0, Set.of())).as("same queue, faster agent").isEqualTo("agent-2");

        router.load("agent-1").reported(load(0, 20_000), clock.millis());
        router.load("agent-2").reported(load(9, 5_000), clock.millis());
        // agent-1: 1 x 20.1 ms; agent-2: 10 x 5.1 ms.
        assertThat(router.route(graph, 0, Set.of())).as("idle beats a long queue").isEqualTo("agent-1");

        // The gateway's own requests in flight count at once, before any report.
        for (int i = 0; i < 30; i++) {
            router.load("agent-1").sent();
        }
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");
        assertThat(router.table(List.of(graph)).getAgentsList()).as("requests sent, by agent")
                .extracting(a -> a.getRequests()).containsExactly(30L, 0L, 0L);
    }

    @Test
    void reportsAgeSoAnAgentOnceSlowIsTriedAgain() {
        Router router = router(QueryConfig.defaults());
        router.load("agent-1").reported(load(50, 500_000), clock.millis());
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");

        clock.advance(Duration.ofMillis(AgentLoad.STALE_MILLIS + 1));
        assertThat(router.load("agent-1").reportedInFlight(clock.millis())).isZero();
        clock.advance(Duration.ofSeconds(30));
        assertThat(router.load("agent-1").latencyMillis(clock.millis())).isLessThan(0.001);
        // agent-2 now reports an ordinary load: the once-slow agent-1, quiet since, is the cheaper.
        router.load("agent-2").reported(load(2, 1_000), clock.millis());
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-1");
    }

    @Test
    void aReportedBurstStopsCountingWithinAFractionOfASecondAndTheAnsweredRequestNeverCounts() {
        Router router = router(QueryConfig.defaults());
        router.load("agent-1").reported(load(1, 2_000), clock.millis());
        router.load("agent-2").reported(load(1, 2_000), clock.millis());
        assertThat(router.load("agent-1").reportedInFlight(clock.millis())).as("only the answered request").isZero();
        assertThat(router.load("agent-1").cost(clock.millis())).isEqualTo(router.load("agent-2").cost(clock.millis()));

        // agent-1 answered in a burst, 12 requests in flight: agent-2 takes partition 0 while that is news ...
        router.load("agent-1").reported(load(12, 2_000), clock.millis());
        clock.advance(Duration.ofMillis(50));
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");
        // ... and the gateway's own requests say the rest: with none in flight to agent-1 and one to agent-2,
        // agent-1 is the cheaper 100 ms after its report, not a second later.
        router.load("agent-2").sent();
        clock.advance(Duration.ofMillis(AgentLoad.STALE_MILLIS - 50 + 1));
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-1");
    }

    @Test
    void onlyLiveReplicasOutsideTheTriedOnesGetRequests() {
        Router router = router(QueryConfig.defaults());
        assertThat(router.route(graph, 0, Set.of("agent-1"))).isEqualTo("agent-2");
        assertThat(router.route(graph, 0, Set.of("agent-1", "agent-2"))).isNull();

        alive.removeIf(a -> a.agentId().equals("agent-2"));
        router.onTransition("agent-2", AgentState.ALIVE, AgentState.DEAD, "lease_expired");
        assertThat(router.route(graph, 1, Set.of())).isEqualTo("agent-3");
        assertThat(router.route(graph, 1, Set.of("agent-3"))).isNull();
        PartitionRoute row = router.table(List.of(graph)).getPartitions(1);
        assertThat(row.getReplicasList()).containsExactly("agent-3");
        assertThat(row.getRoutesTo()).isEqualTo("agent-3");
    }

    @Test
    void roundRobinTakesTheLiveReplicasInTurnWhateverTheirLoad() {
        Router router = router(QueryConfig.defaults().withRouting(QueryRouting.ROUND_ROBIN));
        router.load("agent-1").reported(load(50, 500_000), clock.millis());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(router.route(graph, 0, Set.of()));
        }
        assertThat(order).containsExactly("agent-1", "agent-2", "agent-1", "agent-2");
        for (int i = 0; i < 1000; i++) {
            router.route(graph, 0, Set.of());
        }
        assertThat(router.hot("g")).as("round robin makes no hot replicas").isEmpty();
    }

    @Test
    void aPartitionTurnsHotOverTheRateAndCoolsOnlyAfterCoolAfterUnderHalfOfIt() {
        // Hot over 100 requests/s averaged over 1 s; cool after 5 s under 50/s.
        Router router = router(QueryConfig.defaults().withHeat(100, Duration.ofSeconds(1), Duration.ofSeconds(5)));
        for (int i = 0; i < 50; i++) {
            router.route(graph, 0, Set.of());
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(router.hot("g")).as("about 50 requests/s").isEmpty();
        for (int i = 0; i < 300; i++) {
            router.route(graph, 0, Set.of());
            clock.advance(Duration.ofMillis(2));
        }
        assertThat(router.hot("g")).as("about 500 requests/s").containsExactly(0);
        PartitionRoute row = router.table(List.of(graph)).getPartitions(0);
        assertThat(row.getHot()).isTrue();
        assertThat(row.getRate()).isGreaterThan(100);
        assertThat(row.getRequests()).isEqualTo(350);

        clock.advance(Duration.ofSeconds(4));
        assertThat(router.hot("g")).as("quiet, cooling starts").containsExactly(0);
        clock.advance(Duration.ofSeconds(4));
        assertThat(router.hot("g")).as("4 s under half the rate: still hot").containsExactly(0);
        clock.advance(Duration.ofMillis(1_001));
        assertThat(router.hot("g")).as("5 s under half the rate: cool").isEmpty();
    }

    @Test
    void theExtraReplicaGoesToTheLeastLoadedAgent() {
        Router router = router(QueryConfig.defaults());
        router.load("agent-1").reported(load(8, 10_000), clock.millis());
        router.load("agent-3").reported(load(1, 10_000), clock.millis());
        assertThat(router.leastLoaded(List.of("agent-1", "agent-3"))).isEqualTo("agent-3");
    }

    @Test
    void theHopAnAgentTakesOnItselfGoesWhereARequestWouldAndCountsInTheHeat() {
        Router router = router(QueryConfig.defaults());
        router.load("agent-2").reported(load(6, 10_000), clock.millis());
        // Partition 0: agent-1 (idle) beats agent-2; partition 1: agent-3 beats agent-2.
        assertThat(router.nextRoutes(graph)).containsExactly("agent-1", "agent-3");
        assertThat(router.table(List.of(graph)).getPartitions(0).getRequests()).as("choosing counts nothing").isZero();

        NextHop next = new NextHop(router, graph);
        io.graphagent.protocol.v1.ExpandRequest.Builder toAgent2 = io.graphagent.protocol.v1.ExpandRequest.newBuilder();
        next.name("agent-2", toAgent2);
        assertThat(toAgent2.getNextPartitionsList()).as("agent-2 holds both, is chosen for neither").isEmpty();
        io.graphagent.protocol.v1.ExpandRequest.Builder toAgent1 = io.graphagent.protocol.v1.ExpandRequest.newBuilder();
        next.name("agent-1", toAgent1);
        assertThat(toAgent1.getNextPartitionsList()).containsExactly(0);

        // agent-1's answer reaches vertices 2 (partition 0) and 7 (partition 1): it expanded partition 0 only.
        next.answered("agent-1", io.graphagent.protocol.v1.ExpandReply.newBuilder().setCount(2)
                .setNeighbours(io.graphagent.protocol.PackedArrays.packInts(new int[] {2, 7}, 0, 2)).build());
        // agent-3's answer reaches partition 0 only: partition 1, routed to it, was not expanded.
        next.answered("agent-3", io.graphagent.protocol.v1.ExpandReply.newBuilder().setCount(1)
                .setNeighbours(io.graphagent.protocol.PackedArrays.packInts(new int[] {3}, 0, 1)).build());
        assertThat(router.table(List.of(graph)).getPartitionsList()).extracting(PartitionRoute::getRequests)
                .containsExactly(1L, 0L);
    }

    @Test
    void replicasWithinTheTieRatioTakeRequestsInTurnSoNoneHerdsOntoTheLastLowerReport() {
        Router router = router(QueryConfig.defaults());
        // Both idle; agent-2 last reported a lower average (2.0 against 2.8 ms): noise, not a queue.
        router.load("agent-1").reported(load(1, 2_800), clock.millis());
        router.load("agent-2").reported(load(1, 2_000), clock.millis());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(router.route(graph, 0, Set.of()));
        }
        assertThat(order).as("not every request to agent-2").containsExactly("agent-1", "agent-2", "agent-1", "agent-2");

        // One request in flight to agent-2 doubles its cost (4.2 against 2.3): past the ratio, agent-1 every time.
        router.load("agent-1").reported(load(1, 2_200), clock.millis());
        router.load("agent-2").sent();
        for (int i = 0; i < 3; i++) {
            assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-1");
        }
        // A latency over the ratio decides alone as well: 2.0 against 3.5 ms, both idle.
        router.load("agent-2").answered();
        router.load("agent-1").reported(load(1, 3_500), clock.millis());
        for (int i = 0; i < 3; i++) {
            assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");
        }
        assertThat(router.table(List.of(graph)).getAgentsList()).extracting(a -> a.getRequests()).containsExactly(0L, 1L, 0L);
    }

    @Test
    void theHopsOnlyAgentTakesOnEveryNextPartitionItHoldsOnlyWhileSaturated() {
        Router router = router(QueryConfig.defaults());
        router.load("agent-1").reported(load(1, 10_000), clock.millis());
        router.load("agent-2").reported(load(1, 10_000), clock.millis());
        router.load("agent-3").reported(load(1, 10_000), clock.millis());
        NextHop idle = new NextHop(router, graph);
        idle.allHeldToWhenSaturated("agent-2");
        io.graphagent.protocol.v1.ExpandRequest.Builder idleToAgent2 = io.graphagent.protocol.v1.ExpandRequest.newBuilder();
        idle.name("agent-2", idleToAgent2);
        assertThat(router.saturated("agent-2")).isFalse();
        assertThat(idleToAgent2.getNextPartitionsList()).as("idle: only what routes to it (partition 0 to agent-1 by turn)")
                .containsExactly(1);

        // agent-2 reports 3 in flight, the answered one aside 2: its 2 cores' threads are taken.
        router.load("agent-2").reported(load(3, 10_000), clock.millis());
        assertThat(router.saturated("agent-2")).isTrue();
        NextHop busy = new NextHop(router, graph);
        busy.allHeldToWhenSaturated("agent-2");
        io.graphagent.protocol.v1.ExpandRequest.Builder toAgent2 = io.graphagent.protocol.v1.ExpandRequest.newBuilder();
        busy.name("agent-2", toAgent2);
        assertThat(toAgent2.getNextPartitionsList()).as("saturated: every partition it holds").containsExactly(0, 1);

        // The report goes stale; the gateway's own requests say as much.
        clock.advance(Duration.ofMillis(AgentLoad.STALE_MILLIS + 1));
        assertThat(router.saturated("agent-2")).as("the report aged out").isFalse();
        router.load("agent-2").sent();
        assertThat(router.saturated("agent-2")).as("one of two threads taken").isFalse();
        router.load("agent-2").sent();
        assertThat(router.saturated("agent-2")).as("both threads taken by the gateway's own requests").isTrue();

        Router turns = router(QueryConfig.defaults().withRouting(QueryRouting.ROUND_ROBIN));
        turns.load("agent-2").reported(load(9, 10_000), clock.millis());
        NextHop inTurn = new NextHop(turns, graph);
        inTurn.allHeldToWhenSaturated("agent-2");
        io.graphagent.protocol.v1.ExpandRequest.Builder inTurnToAgent2 = io.graphagent.protocol.v1.ExpandRequest.newBuilder();
        inTurn.name("agent-2", inTurnToAgent2);
        assertThat(inTurnToAgent2.getNextPartitionsList()).as("round robin keeps its turns").containsExactly(1);
    }

    @Test
    void roundRobinTakesATurnForAPartitionExpandedAlong() {
        Router router = router(QueryConfig.defaults().withRouting(QueryRouting.ROUND_ROBIN));
        assertThat(router.nextRoutes(graph)).containsExactly("agent-1", "agent-2");
        assertThat(router.nextRoutes(graph)).as("choosing takes no turn").containsExactly("agent-1", "agent-2");
        router.routedAlong(graph, 0);
        assertThat(router.nextRoutes(graph)).containsExactly("agent-2", "agent-2");
        assertThat(router.route(graph, 0, Set.of())).isEqualTo("agent-2");
    }

    @Test
    void thePartitionsAnAnswerReachesAreReadFromPackedIdsAndFromBits() {
        Partitioning p = graph.partitioning();
        long[] words = new long[1];
        words[0] = (1L << 1) | (1L << 3);
        io.graphagent.protocol.v1.ExpandReply bits = io.graphagent.protocol.v1.ExpandReply.newBuilder().setCount(2)
                .setNeighbourBits(io.graphagent.protocol.PackedArrays.packLongs(words, 0, 1)).build();
        assertThat(NextHop.reached(bits, p)).containsExactly(true, false);
        words[0] = (1L << 4) | (1L << 9);
        bits = bits.toBuilder().setNeighbourBits(io.graphagent.protocol.PackedArrays.packLongs(words, 0, 1)).build();
        assertThat(NextHop.reached(bits, p)).containsExactly(true, true);
        words[0] = 1L << 5;
        bits = bits.toBuilder().setCount(1).setNeighbourBits(io.graphagent.protocol.PackedArrays.packLongs(words, 0, 1))
                .build();
        assertThat(NextHop.reached(bits, p)).containsExactly(false, true);
        words[0] = 0;
        bits = bits.toBuilder().setCount(0).setNeighbourBits(io.graphagent.protocol.PackedArrays.packLongs(words, 0, 1))
                .build();
        assertThat(NextHop.reached(bits, p)).containsExactly(false, false);
    }
}
