package io.graphagent.coordinator.job;

import io.graphagent.protocol.SessionEpoch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.coordinator.membership.AgentView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who holds each partition's checkpoint file with peer copies, and where a restoring agent fetches what it lacks. */
class CheckpointHoldersTest {
    private static final List<String> THREE = List.of("agent-3", "agent-1", "agent-2");
    private static final Map<String, String> LIVE_1_3 = Map.of("agent-1", "127.0.0.1:7501", "agent-3", "127.0.0.1:7503");

    private static AgentView agent(String id) {
        return new AgentView(id, SessionEpoch.of(1), "127.0.0.1:750" + id.charAt(id.length() - 1), 2, 1);
    }

    /** 6 partitions over agent-1 (0, 3), agent-2 (1, 4), agent-3 (2, 5), each copied to the next agent by id. */
    private static CheckpointHolders threeAgents() {
        Placement placement = Placement.roundRobin(List.of(agent("agent-1"), agent("agent-2"), agent("agent-3")), 6);
        return CheckpointHolders.written(placement, Map.of("agent-1", "agent-2", "agent-2", "agent-3", "agent-3", "agent-1"));
    }

    @Test
    void theCopyHolderIsTheNextAgentByIdInARing() {
        assertThat(CheckpointHolders.copyHolder("agent-1", THREE)).isEqualTo("agent-2");
        assertThat(CheckpointHolders.copyHolder("agent-2", THREE)).isEqualTo("agent-3");
        assertThat(CheckpointHolders.copyHolder("agent-3", THREE)).isEqualTo("agent-1");
        assertThat(CheckpointHolders.copyHolder("agent-1", List.of("agent-1"))).as("alone: no copy").isNull();
        assertThat(CheckpointHolders.copyHolder("agent-9", THREE)).as("not a participant").isNull();
    }

    @Test
    void eachFileIsOnItsWriterAndItsWritersSuccessor() {
        CheckpointHolders h = threeAgents();

        assertThat(h.of(0)).containsExactly("agent-1", "agent-2");
        assertThat(h.of(1)).containsExactly("agent-2", "agent-3");
        assertThat(h.of(5)).containsExactly("agent-3", "agent-1");
    }

    @Test
    void afterLosingAnAgentEachSurvivorFetchesOnlyWhatItNeedsAndLacksFromALiveHolder() throws Exception {
        CheckpointHolders h = threeAgents().without("agent-2");

        assertThat(h.of(1)).containsExactly("agent-3");
        // agent-1 took over partition 1 (its copy is on agent-3); agent-3 took over 4, whose copy it keeps.
        assertThat(h.sources("agent-1", List.of(0, 1, 3), LIVE_1_3)).isEqualTo(Map.of(1, "127.0.0.1:7503"));
        assertThat(h.sources("agent-3", List.of(2, 4, 5), LIVE_1_3)).isEmpty();
        // A pulling superstep needs every partition's broadcasts.
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
        assertThat(h.sources("agent-1", all, LIVE_1_3)).isEqualTo(Map.of(1, "127.0.0.1:7503", 4, "127.0.0.1:7503"));
        assertThat(h.sources("agent-3", all, LIVE_1_3)).isEqualTo(Map.of(0, "127.0.0.1:7501", 3, "127.0.0.1:7501"));
    }

    @Test
    void whatAnAgentFetchedItHoldsSoTheCheckpointSurvivesASecondLoss() throws Exception {
        CheckpointHolders h = threeAgents().without("agent-2").with("agent-1", List.of(1, 4)).with("agent-3", List.of(0, 3));

        CheckpointHolders afterSecondLoss = h.without("agent-3");

        assertThat(afterSecondLoss.sources("agent-1", List.of(0, 1, 2, 3, 4, 5), Map.of("agent-1", "127.0.0.1:7501")))
                .isEmpty();
    }

    @Test
    void aFileWhoseWriterAndCopyHolderAreBothLostCannotBeRestored() {
        CheckpointHolders h = threeAgents().without("agent-2").without("agent-3");

        assertThatThrownBy(() -> h.sources("agent-1", List.of(0, 1, 2), Map.of("agent-1", "127.0.0.1:7501")))
                .isInstanceOfSatisfying(CheckpointHolders.LostCheckpointException.class, e -> assertThat(e.partition).isEqualTo(1))
                .hasMessageContaining("partition 1").hasMessageContaining("both lost");
    }

    @Test
    void aHolderThatIsNoLongerLiveIsNotAskedAndTheWriterIsPreferred() throws Exception {
        CheckpointHolders h = threeAgents();

        assertThat(h.sources("agent-3", List.of(0), Map.of("agent-1", "a1", "agent-2", "a2", "agent-3", "a3")))
                .isEqualTo(Map.of(0, "a1"));
        assertThat(h.sources("agent-3", List.of(0), Map.of("agent-2", "a2", "agent-3", "a3"))).isEqualTo(Map.of(0, "a2"));
    }
}
