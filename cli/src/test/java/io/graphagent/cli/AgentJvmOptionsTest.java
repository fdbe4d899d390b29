package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where an agent's heap options go among its JVM flags: the later of two same flags wins. */
class AgentJvmOptionsTest {

    @Test
    void agentOptionsFollowTheHeapPolicyAndPrecedeTheUsersOptions() {
        List<String> common = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        common.addAll(LocalCommand.HEAP_POLICY);
        common.add("-XX:NewSize=128m");

        List<String> agent = LocalCommand.agentJvmOptions(common);

        assertThat(agent).containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=1",
                "-XX:MaxHeapFreeRatio=2", "-XX:G1HeapRegionSize=1m", "-XX:MaxHeapFreeRatio=30", "-XX:NewSize=64m",
                "-XX:NewSize=128m");
        assertThat(common).hasSize(6);
    }

    @Test
    void withoutTheHeapPolicyTheAgentOptionsComeFirst() {
        assertThat(LocalCommand.agentJvmOptions(List.of("-Xmx1g"))).containsExactly("-XX:MaxHeapFreeRatio=30",
                "-XX:NewSize=64m", "-Xmx1g");
        assertThat(LocalCommand.agentJvmOptions(LocalCommand.jvmOptions())).containsSubsequence("-XX:MaxHeapFreeRatio=2",
                "-XX:MaxHeapFreeRatio=30");
    }

    @Test
    void aSmallHeapCapsTheYoungFloorAtAQuarterOfIt() {
        // -Xmx64m with a 64 MiB floor: young = the whole heap, every young collection failed its evacuation.
        assertThat(LocalCommand.agentJvmOptions(List.of("-Xmx64m"))).containsExactly("-XX:MaxHeapFreeRatio=30",
                "-XX:NewSize=16m", "-Xmx64m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx1g", "-Xmx200M"))).as("the last -Xmx wins").isEqualTo("-XX:NewSize=50m");
        assertThat(AgentYoungFloor.option(List.of("-XX:MaxHeapSize=128m"))).isEqualTo("-XX:NewSize=32m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx67108864"))).isEqualTo("-XX:NewSize=16m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx2m"))).isEqualTo("-XX:NewSize=1m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx4g"))).isEqualTo("-XX:NewSize=64m");
        assertThat(AgentYoungFloor.option(List.of("-Xmxlots"))).as("unreadable: the floor").isEqualTo("-XX:NewSize=64m");
    }
}
