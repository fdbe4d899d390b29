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
}
