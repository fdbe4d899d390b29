package io.graphagent.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session epochs across coordinator restarts: never handed out twice, never going backwards. */
class MembershipStoreTest {

    @TempDir
    Path state;

    @Test
    void aNewStateDirectoryStartsAtEpochOneInTheFirstIncarnation() throws Exception {
        MembershipStore store = MembershipStore.open(state);

        assertThat(store.incarnation()).isEqualTo(1);
        assertThat(store.restarted()).isFalse();
        assertThat(store.next()).isEqualTo(1);
        assertThat(store.next()).isEqualTo(2);
    }

    @Test
    void epochsNeverGoBackwardsAcrossRestartsEvenWithoutACleanStop() throws Exception {
        long highest = 0;
        for (int incarnation = 1; incarnation <= 4; incarnation++) {
            // Each open is a restart after a SIGKILL: nothing is written at stop.
            MembershipStore store = MembershipStore.open(state);
            assertThat(store.incarnation()).isEqualTo(incarnation);
            int sessions = incarnation == 2 ? (int) MembershipStore.EPOCH_BLOCK + 5 : 3;
            for (int i = 0; i < sessions; i++) {
                long epoch = store.next();
                assertThat(epoch).as("incarnation %d session %d", incarnation, i).isGreaterThan(highest);
                highest = epoch;
            }
        }
    }

    @Test
    void knownAgentsSurviveARestart() throws Exception {
        MembershipStore first = MembershipStore.open(state);
        first.agentSeen("agent-2");
        first.agentSeen("agent-1");
        first.agentSeen("agent-2");

        MembershipStore second = MembershipStore.open(state);

        assertThat(second.restarted()).isTrue();
        assertThat(second.knownAgentsAtStart()).containsExactlyInAnyOrder("agent-1", "agent-2");
    }

    @Test
    void aTornMembershipFileStopsTheStartNamingTheFile() throws Exception {
        MembershipStore.open(state).next();
        Path file = state.resolve(MembershipStore.FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));

        assertThatThrownBy(() -> MembershipStore.open(state)).isInstanceOf(StateDirException.class)
                .hasMessageContaining("coordinator state file " + file + " is torn")
                .hasMessageContaining("session epochs then start again from 1, so stop every agent first");
    }
}
