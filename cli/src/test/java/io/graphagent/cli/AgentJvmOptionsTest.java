package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an agent's heap options go among its JVM flags (the later of two same flags wins), and
 * the start cache a process of {@code local} gets.
 */
class AgentJvmOptionsTest {

    @Test
    void eachRoleGetsItsStartCacheWhenTheLauncherNamedOneThatExists(@TempDir Path dir) throws IOException {
        String prefix = dir.resolve("graphagent").toString();
        List<String> options = LocalCommand.jvmOptions();
        assertThat(ChildStartCache.options(prefix, ChildStartCache.Role.AGENT, options)).as("not made").isEmpty();

        Files.write(dir.resolve("graphagent-agent.aot"), new byte[] {1});
        assertThat(ChildStartCache.options(prefix, ChildStartCache.Role.AGENT, options))
                .containsExactly("-XX:AOTCache=" + dir.resolve("graphagent-agent.aot"), "-Xlog:aot*=off", "-Xlog:cds*=off");
        assertThat(ChildStartCache.options(prefix, ChildStartCache.Role.COORDINATOR, options)).as("only the agent's made").isEmpty();
        assertThat(ChildStartCache.options(null, ChildStartCache.Role.AGENT, options)).as("not started by the launcher").isEmpty();
        assertThat(ChildStartCache.options(prefix, ChildStartCache.Role.AGENT, List.of("-Xmx1g", "-XX:AOTCacheOutput=/tmp/a-%p.aot")))
                .as("GRAPHAGENT_JAVA_OPTS makes a cache: the JVM takes one cache flag, not two").isEmpty();
        assertThat(ChildStartCache.options(ChildStartCache.Role.AGENT, options)).as("this JVM: no property").isEmpty();
    }

    @Test
    void agentOptionsFollowTheHeapPolicyAndPrecedeTheUsersOptions() {
        List<String> common = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        common.addAll(LocalCommand.HEAP_POLICY);
        common.add("-XX:NewSize=128m");

        List<String> agent = LocalCommand.agentJvmOptions(common);

        assertThat(agent).containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=1",
                "-XX:MaxHeapFreeRatio=2", "-XX:G1HeapRegionSize=1m", "-XX:MaxHeapFreeRatio=30",
                AgentYoungFloor.option(common), "-XX:NewSize=128m");
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
    void theYoungFloorIsATwentiethOfTheMaximumHeapAndAtLeast64MiB() {
        assertThat(AgentYoungFloor.option(List.of("-Xmx4g"))).isEqualTo("-XX:NewSize=204m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx32g"))).isEqualTo("-XX:NewSize=1638m");
        assertThat(AgentYoungFloor.option(List.of("-Xmx1g"))).as("1/20 is under 64 MiB").isEqualTo("-XX:NewSize=64m");
        // No -Xmx: the JVM's default, a quarter of the machine's memory (24 GiB: 6 GiB, 307 MiB floor).
        assertThat(AgentYoungFloor.option(List.of("-XX:+UseG1GC"), 24 * 1024)).isEqualTo("-XX:NewSize=307m");
        assertThat(AgentYoungFloor.option(List.of(), 1024)).as("a 1 GiB machine: 256 MiB heap").isEqualTo("-XX:NewSize=64m");
        assertThat(AgentYoungFloor.option(List.of(), 512)).as("128 MiB heap: a quarter").isEqualTo("-XX:NewSize=32m");
        assertThat(AgentYoungFloor.option(List.of(), -1)).as("memory unknown").isEqualTo("-XX:NewSize=64m");
        assertThat(AgentYoungFloor.option(List.of("-Xmxlots"), 24 * 1024)).as("unreadable: the default heap's")
                .isEqualTo("-XX:NewSize=307m");
        assertThat(AgentYoungFloor.machineMemoryMb()).isPositive();
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
    }
}
