package io.graphagent.coordinator.resident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where replicas go: evenly after a load, over the survivors after a loss, never twice on one agent. */
class ReplicaPlanTest {
    private static final List<String> LIVE = List.of("agent-1", "agent-2", "agent-3");

    @Test
    void aFreshLoadSpreadsTheSecondReplicasEvenly() {
        // One holder each after the load: agent-1 holds 0 and 3, agent-2 holds 1 and 4, agent-3 holds 2 and 5.
        List<Set<String>> holders = List.of(Set.of("agent-1"), Set.of("agent-2"), Set.of("agent-3"), Set.of("agent-1"),
                Set.of("agent-2"), Set.of("agent-3"));
        List<ReplicaPlan.Copy> plan = ReplicaPlan.copies(holders, new int[] {2, 2, 2, 2, 2, 2}, LIVE,
                Map.of("agent-1", 2, "agent-2", 2, "agent-3", 2));
        assertThat(plan).containsExactly(
                new ReplicaPlan.Copy(0, "agent-2", "agent-1"),
                new ReplicaPlan.Copy(1, "agent-1", "agent-2"),
                new ReplicaPlan.Copy(2, "agent-1", "agent-3"),
                new ReplicaPlan.Copy(3, "agent-3", "agent-1"),
                new ReplicaPlan.Copy(4, "agent-3", "agent-2"),
                new ReplicaPlan.Copy(5, "agent-2", "agent-3"));
    }

    @Test
    void aLostAgentsPartitionsGoToTheSurvivorLackingThemAndNothingIsCopiedWithoutASource() {
        // agent-3 died: partitions 1 and 2 kept one live holder each, partition 3 none.
        List<List<String>> holders = List.of(List.of("agent-1", "agent-2"), List.of("agent-1"), List.of("agent-2"), List.of());
        List<ReplicaPlan.Copy> plan = ReplicaPlan.copies(holders, new int[] {2, 2, 2, 2}, List.of("agent-1", "agent-2"),
                Map.of("agent-1", 2, "agent-2", 2));
        assertThat(plan).containsExactly(new ReplicaPlan.Copy(1, "agent-2", "agent-1"),
                new ReplicaPlan.Copy(2, "agent-1", "agent-2"));
    }

    @Test
    void noMoreReplicasThanLiveAgents() {
        List<ReplicaPlan.Copy> plan = ReplicaPlan.copies(List.of(List.of("agent-1")), new int[] {3}, List.of("agent-1", "agent-2"),
                Map.of());
        assertThat(plan).containsExactly(new ReplicaPlan.Copy(0, "agent-2", "agent-1"));
    }
}
