package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.JobFailureKind;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the coordinator makes of an agent's failure report, from its typed fields alone: an
 * unreachable peer named by {@code peer_address} is the agent lost (under the connection's
 * {@code cause} when the agent named one); a {@code retryable} failure
 * loses the reporting agent (it lost the job, e.g. restarted), which loads the job again in the
 * recovery; any other failure ends the job with the agent's message, and with the kind of fault
 * that tells {@code submit}'s exit code: the input's for a graph that does not load, else the
 * cluster's.
 */
class FailureReportsTest {

    @TempDir
    Path dir;

    private final ScriptedAgents agents = ScriptedAgents.alive(3);
    private JobScheduler scheduler;
    private String jobId;

    @BeforeEach
    void submit() throws Exception {
        Files.writeString(dir.resolve("g.e"), "1 2\n2 3\n3 1\n");
        scheduler = new JobScheduler(agents, TestConfigs.withJob(job -> job.withCheckpointEvery(0)
                .withCheckpointDir(dir.resolve("cp"))), new FakeClock());
        jobId = scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK)
                .setGraph(dir.resolve("g.e").toString()).setDirected(true).setIterations(5).setPartitions(6)
                .setOutputPath(dir.resolve("out.txt").toString())).build()).getJobId();
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @Test
    void anUnreachablePeerNamedByItsDataAddressIsTheAgentLost() throws Exception {
        ScriptedAgents.Sent exchange = agents.nextOfKind(Command.KindCase.EXCHANGE, scheduler);
        ScriptedAgents.answer(scheduler, exchange, failure(FailureKind.PEER_UNREACHABLE,
                "UNAVAILABLE: io exception (the message names no agent)", "127.0.0.1:7502", true));

        assertThat(reloadedAgents()).as("agent-2 (lost) loads again, as every participant does").contains("agent-2");
        assertThat(status().getMessage()).contains("lost agent agent-2 (peer_unreachable)");
    }

    /** The agents of the next (partitioned) load up to agent-2's: every participant gets a LoadPartitions. */
    private java.util.Set<String> reloadedAgents() throws Exception {
        java.util.Set<String> reloaded = new java.util.TreeSet<>();
        while (!reloaded.contains("agent-2") && reloaded.size() < agents.alive.size()) {
            reloaded.add(agents.nextOfKind(Command.KindCase.LOAD_PARTITIONS, scheduler).agent());
        }
        return reloaded;
    }

    @Test
    void anUnreachablePeerIsCountedUnderTheConnectionsCauseTheAgentNamed() throws Exception {
        ScriptedAgents.Sent exchange = agents.nextOfKind(Command.KindCase.EXCHANGE, scheduler);
        ScriptedAgents.answer(scheduler, exchange, Report.newBuilder().setFailure(Failure.newBuilder()
                .setKind(FailureKind.PEER_UNREACHABLE).setMessage("exchange with peer agent-2 failed: stalled")
                .setPeerAddress("127.0.0.1:7502").setRetryable(true).setCause("path_mtu_blackhole")));

        agents.nextOfKind(Command.KindCase.LOAD_PARTITIONS, scheduler);
        assertThat(status().getMessage()).contains("lost agent agent-2 (path_mtu_blackhole)");
    }

    @Test
    void aRetryableFailureLosesTheReportingAgentWhichLoadsTheJobAgain() throws Exception {
        ScriptedAgents.Sent start = agents.nextOfKind(Command.KindCase.START_SUPERSTEP, scheduler);
        ScriptedAgents.answer(scheduler, start, failure(FailureKind.COMPUTE_FAILED,
                "this agent holds no job " + jobId + " (was it restarted?)", "", true));

        ScriptedAgents.Sent reload = agents.nextOfKind(Command.KindCase.LOAD_PARTITIONS, scheduler);
        assertThat(reload.agent()).isEqualTo(start.agent());
        assertThat(status().getState()).isEqualTo(JobState.RECOVERING);
        scheduler.cancel(CancelJobRequest.newBuilder().setJobId(jobId).build());
    }

    @Test
    void anyOtherFailureEndsTheJobWithTheAgentsMessage() throws Exception {
        ScriptedAgents.Sent start = agents.nextOfKind(Command.KindCase.START_SUPERSTEP, scheduler);
        ScriptedAgents.answer(scheduler, start, failure(FailureKind.COMPUTE_FAILED, "ArithmeticException: / by zero", "",
                false));

        await().atMost(ScriptedAgents.WAIT).until(() -> status().getState() == JobState.FAILED);
        assertThat(status().getMessage()).isEqualTo("agent " + start.agent() + ": ArithmeticException: / by zero");
        assertThat(status().getFailureKind()).isEqualTo(JobFailureKind.CLUSTER_FAILURE);
    }

    @Test
    void aGraphThatDoesNotLoadIsTheInputsFault() throws Exception {
        ScriptedAgents.Sent load = agents.nextOfKind(Command.KindCase.LOAD_PARTITIONS, scheduler);
        ScriptedAgents.answer(scheduler, load, failure(FailureKind.LOAD_FAILED, "g.e line 2: 'x' is not a vertex id", "",
                false));

        await().atMost(ScriptedAgents.WAIT).until(() -> status().getState() == JobState.FAILED);
        assertThat(status().getFailureKind()).isEqualTo(JobFailureKind.BAD_INPUT);
        assertThat(status().getMessage()).isEqualTo("agent " + load.agent() + ": g.e line 2: 'x' is not a vertex id");
    }

    private static Report.Builder failure(FailureKind kind, String message, String peerAddress, boolean retryable) {
        return Report.newBuilder().setFailure(Failure.newBuilder().setKind(kind).setMessage(message)
                .setPeerAddress(peerAddress).setRetryable(retryable));
    }

    private JobStatus status() {
        return scheduler.jobs(true).getFirst();
    }
}
