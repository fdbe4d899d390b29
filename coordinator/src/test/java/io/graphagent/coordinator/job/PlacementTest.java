package io.graphagent.coordinator.job;

import io.graphagent.protocol.SessionEpoch;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.membership.AgentView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static AgentView agent(String id) {
        return new AgentView(id, SessionEpoch.of(1), "127.0.0.1:7" + id.charAt(id.length() - 1), 2, 1);
    }

    @Test
    void roundRobinDealsInIdOrder() {
        Placement p = Placement.roundRobin(List.of(agent("agent-3"), agent("agent-1"), agent("agent-2")), 7);
        assertThat(p.partitionsByAgent()).isEqualTo(Map.of(
                "agent-1", List.of(0, 3, 6), "agent-2", List.of(1, 4), "agent-3", List.of(2, 5)));
    }

    @Test
    void aLostAgentsPartitionsSpreadOverTheSurvivorsWhoKeepTheirOwn() {
        Placement before = Placement.roundRobin(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), 12);
        Placement after = Placement.keepingSurvivors(before, List.of(agent("agent-1"), agent("agent-3")));

        for (int p = 0; p < 12; p++) {
            if (!before.ownerOf(p).equals("agent-2")) {
                assertThat(after.ownerOf(p)).as("partition %d stays", p).isEqualTo(before.ownerOf(p));
            }
        }
        // agent-2 held 1, 4, 7, 10: dealt to whoever holds fewest, lowest id first.
        assertThat(after.partitionsByAgent()).isEqualTo(Map.of(
                "agent-1", List.of(0, 1, 3, 6, 7, 9), "agent-3", List.of(2, 4, 5, 8, 10, 11)));
    }

    @Test
    void anAgentThatJoinedTakesAShareFromTheFullestWithFewestMoves() {
        Placement before = Placement.roundRobin(List.of(agent("agent-1"), agent("agent-2")), 8);
        Placement after = Placement.keepingSurvivors(before,
                List.of(agent("agent-1"), agent("agent-2"), agent("agent-4")));

        Map<String, List<Integer>> byAgent = after.partitionsByAgent();
        assertThat(byAgent.values()).extracting(List::size).containsExactlyInAnyOrder(3, 3, 2);
        int moved = 0;
        for (int p = 0; p < 8; p++) {
            moved += after.ownerOf(p).equals(before.ownerOf(p)) ? 0 : 1;
        }
        assertThat(moved).as("only the new agent's share moves").isEqualTo(byAgent.get("agent-4").size());
    }

    @Test
    void losingAnAgentAndGainingAnotherMovesOnlyTheLostOnesPartitions() {
        Placement before = Placement.roundRobin(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), 9);
        Placement after = Placement.keepingSurvivors(before, List.of(agent("agent-1"), agent("agent-3"), agent("agent-5")));

        assertThat(after.partitionsByAgent()).isEqualTo(Map.of(
                "agent-1", List.of(0, 3, 6), "agent-3", List.of(2, 5, 8), "agent-5", List.of(1, 4, 7)));
    }

    @Test
    void aJobOnAResidentGraphRunsEachPartitionOnALiveHolderSpreadOverTheReplicas() {
        List<List<String>> holders = List.of(List.of("agent-1", "agent-2"), List.of("agent-2", "agent-3"),
                List.of("agent-1", "agent-3"), List.of("agent-1", "agent-2"), List.of("agent-2", "agent-3"),
                List.of("agent-1", "agent-3"));
        Placement all = Placement.onReplicas(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), holders);
        assertThat(all.partitionsByAgent()).isEqualTo(Map.of(
                "agent-1", List.of(0, 3), "agent-2", List.of(1, 4), "agent-3", List.of(2, 5)));

        // agent-2 lost: its partitions go to their other holders, and only holders of some partition take part.
        Placement survivors = Placement.onReplicas(List.of(agent("agent-1"), agent("agent-3")), holders);
        for (int p = 0; p < holders.size(); p++) {
            assertThat(holders.get(p)).as("partition %d", p).contains(survivors.ownerOf(p));
        }
        assertThat(survivors.partitionsByAgent().keySet()).containsExactly("agent-1", "agent-3");
        assertThat(Placement.firstWithoutLiveHolder(List.of(agent("agent-1"), agent("agent-3")), holders)).isEqualTo(-1);
    }

    @Test
    void aPartitionWithoutALiveHolderHasNoPlacementOnReplicas() {
        List<List<String>> holders = List.of(List.of("agent-1"), List.of("agent-2"));
        assertThat(Placement.onReplicas(List.of(agent("agent-1"), agent("agent-3")), holders)).isNull();
        assertThat(Placement.firstWithoutLiveHolder(List.of(agent("agent-1"), agent("agent-3")), holders)).isEqualTo(1);
        Placement one = Placement.onReplicas(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), holders);
        assertThat(one.partitionsByAgent()).isEqualTo(Map.of("agent-1", List.of(0), "agent-2", List.of(1)));
    }
}
