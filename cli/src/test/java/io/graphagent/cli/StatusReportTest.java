package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CoordinatorInfo;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.StatusReply;
import org.junit.jupiter.api.Test;

class StatusReportTest {
    private final StatusReply reply = StatusReply.newBuilder()
            .setCoordinator(CoordinatorInfo.newBuilder().setClusterId("graphagent").setBuildVersion("0.1.0")
                    .setProtocolMin(1).setProtocolMax(1).setTls(false).setServerTimeMs(100_000).setUptimeMs(125_000))
            .addAgents(AgentStatus.newBuilder().setAgentId("agent-1").setState(AgentState.ALIVE).setStateSinceMs(40_000)
                    .setLastHeartbeatAgeMs(300).setRttMicros(420).setClockSkewMs(-3).setPartitions(4).setTls(false)
                    .setBuildVersion("0.1.0").setDataAddress("127.0.0.1:40211"))
            .addAgents(AgentStatus.newBuilder().setAgentId("agent-2").setState(AgentState.SUSPECT).setStateSinceMs(99_000)
                    .setStateCause("stream_broken").setLastHeartbeatAgeMs(2_500).setRttMicros(12_000).setPartitions(4))
            .addJobs(JobStatus.newBuilder().setJobId("j-1").setState(JobState.RUNNING).setSuperstep(7).setElapsedMs(3_400)
                    .setSpec(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK).setGraph("/data/g")))
            .build();

    @Test
    void textShowsAgentsJobsAndPlaintextLoudly() {
        String text = new StatusReport("127.0.0.1:7400", reply).text();

        assertThat(text).contains("coordinator 127.0.0.1:7400", "tls=NO (--insecure", "agents: 2 (1 alive)", "jobs: 1");
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("agent-1").contains("ALIVE", "1m00s", "300ms ago",
                "420us", "-3ms", "127.0.0.1:40211"));
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("agent-2").contains("SUSPECT", "2.5s ago", "12ms",
                "stream_broken"));
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("j-1").contains("RUNNING", "pagerank", "7", "/data/g"));
    }

    @Test
    void theControlPlaneListsTheLeaderWithItsTermAndElectionAndEachStandbySinceItsStart() {
        StatusReply etcd = reply.toBuilder().setCoordinator(reply.getCoordinator().toBuilder().setStore("etcd").setControlPlane(
                io.graphagent.protocol.v1.ControlPlane.newBuilder().setLeading(true).setLeaderTerm(4)
                        .setLeaderId("coordinator-1").setLeaderAddress("127.0.0.1:7401").setLeaderSinceMs(1_700_000_005_000L)
                        .setEtcdHealthy(false).setEtcdProblem("etcd has no quorum: etcd at http://127.0.0.1:2379 did not serve a read")
                        .addEtcdEndpoints("http://127.0.0.1:2379")
                        .addMembers(io.graphagent.protocol.v1.ControlPlaneMember.newBuilder().setCoordinatorId("coordinator-1")
                                .setRole("leader").setAddress("127.0.0.1:7401").setAdminAddress("127.0.0.1:8401")
                                .setStartedTimeMs(1_700_000_000_000L))
                        .addMembers(io.graphagent.protocol.v1.ControlPlaneMember.newBuilder().setCoordinatorId("coordinator-2")
                                .setRole("standby").setAddress("127.0.0.1:7402").setAdminAddress("127.0.0.1:8402")
                                .setStartedTimeMs(1_700_000_001_000L)))).build();

        String text = new StatusReport("127.0.0.1:7401", etcd).text();

        assertThat(text).contains("term=4  this coordinator LEADS  etcd=UNHEALTHY: etcd has no quorum",
                "(no job is admitted until etcd has a quorum)");
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("coordinator-1").contains("leader", " 4 ",
                "2023-11-14T22:13:25Z", "127.0.0.1:7401"));
        assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("coordinator-2").contains("standby", " - ",
                "2023-11-14T22:13:21Z", "127.0.0.1:7402"));
    }

    @Test
    void jsonCarriesUnitsInKeys() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new StatusReport("127.0.0.1:7400", reply).json());

        assertThat(json.get("coordinator").get("tls").asBoolean()).isFalse();
        assertThat(json.get("agents").get(1).get("state").asText()).isEqualTo("SUSPECT");
        assertThat(json.get("agents").get(0).get("rtt_micros").asLong()).isEqualTo(420);
        assertThat(json.get("jobs").get(0).get("algorithm").asText()).isEqualTo("pagerank");
        assertThat(fieldNames(json.get("agents").get(0))).as("the keys of /api/agents")
                .isEqualTo(io.graphagent.ops.http.StatusJson.agent(reply.getAgents(0)).keySet().stream().toList());
        assertThat(fieldNames(json.get("jobs").get(0))).as("the keys of /api/jobs")
                .isEqualTo(io.graphagent.ops.http.StatusJson.job(reply.getJobs(0)).keySet().stream().toList());
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
