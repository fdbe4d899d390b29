package io.graphagent.coordinator.job;

import io.graphagent.protocol.SessionEpoch;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.PartitionPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionTableTest {
    private static AgentView agent(String id) {
        return new AgentView(id, SessionEpoch.of(1), "127.0.0.1:1", 1, 1);
    }

    @Test
    void emptyBeforeThePlacement() {
        assertThat(new PartitionTable().toProto()).isEmpty();
    }

    @Test
    void aRecoveryCountsOneMoveForEachPartitionThatChangedAgentAndKeepsTheSizes() {
        PartitionTable table = new PartitionTable();
        table.place(Placement.roundRobin(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), 6));
        table.loaded(LoadDone.newBuilder().putPartitionVertices(0, 10).putPartitionVertices(3, 13).build());
        table.loaded(LoadDone.newBuilder().putPartitionVertices(1, 11).putPartitionVertices(4, 14).build());
        table.loaded(LoadDone.newBuilder().putPartitionVertices(2, 12).putPartitionVertices(5, 15).build());

        table.place(Placement.roundRobin(List.of(agent("agent-1"), agent("agent-3")), 6));

        List<PartitionPlacement> now = table.toProto();
        assertThat(now).extracting(PartitionPlacement::getAgentId)
                .containsExactly("agent-1", "agent-3", "agent-1", "agent-3", "agent-1", "agent-3");
        assertThat(now).extracting(PartitionPlacement::getVertices).containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
        // Dealt again round-robin: 0 and 5 keep their agent, 1 and 4 leave agent-2, 2 and 3 swap survivors.
        assertThat(now).extracting(PartitionPlacement::getMoves).containsExactly(0, 1, 1, 1, 1, 0);
    }
}
