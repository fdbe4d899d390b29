package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Restore;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's asynchronous checkpoints, with two scripted agents and no network, on a
 * fake clock: the job goes on while its checkpoint is written and commits it when the last
 * writer answers, whatever it waits for then; a checkpoint in flight is settled before the next
 * is ordered and before the output; a rollback while one is in flight restores the one before,
 * and its late answers count for nothing; a writer's failure arriving during a superstep lets
 * the job carry on. PageRank, 8 iterations (supersteps 0-8), checkpoint-every 2: checkpoints
 * after supersteps 1, 3 and 5.
 */
class AsyncCheckpointTest {
    /** How long the coordinator is watched not sending a command it must not send yet. */
    private static final Duration HELD = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private final ScriptedAgents agents = ScriptedAgents.alive(2);
    private JobScheduler scheduler;
    private String jobId;

    @BeforeEach
    void submit() throws Exception {
        Files.writeString(dir.resolve("g.txt"), "1 2\n2 3\n3 1\n3 4\n");
        scheduler = new JobScheduler(agents, TestConfigs.withJob(job -> job.withCheckpointEvery(2)
                .withCheckpointDir(dir.resolve("cp"))), new FakeClock());
        SubmitReply reply = scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                .setAlgorithm(Algorithm.PAGERANK).setGraph(dir.resolve("g.txt").toString()).setDirected(true)
                .setIterations(8).setPartitions(2).setCheckpointEvery(2).setOutputPath(dir.resolve("out.txt").toString()))
                .build());
        assertThat(reply.getErrorsList()).isEmpty();
        jobId = reply.getJobId();
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @Test
    void theNextSuperstepRunsWhileTheCheckpointIsWrittenAndItCountsOnceTheLastWriterAnswers() throws Exception {
        List<ScriptedAgents.Sent> writing = answerUntil(Command.KindCase.CHECKPOINT, 1);
        ScriptedAgents.Sent start = agents.next();

        assertThat(start.command().getStartSuperstep().getSuperstep()).as("superstep 2 starts before any writer answered")
                .isEqualTo(2);
        answer(writing.get(0));
        await().during(HELD).atMost(HELD.multipliedBy(3)).until(() -> !status().hasLastCheckpointSuperstep());
        answer(writing.get(1));
        await().atMost(ScriptedAgents.WAIT).until(() -> status().hasLastCheckpointSuperstep());
        assertThat(status().getLastCheckpointSuperstep()).isEqualTo(1);
        assertThat(status().getSuperstep()).as("committed during superstep 2's wait").isEqualTo(1);
        assertThat(agents.pending()).extracting(s -> s.command().getKindCase())
                .as("superstep 2 still waits for its other agent").containsOnly(Command.KindCase.START_SUPERSTEP);
    }

    @Test
    void theNextCheckpointAndTheOutputWaitForTheOneInFlight() throws Exception {
        List<ScriptedAgents.Sent> first = answerUntil(Command.KindCase.CHECKPOINT, 1);
        answerUntil(Command.KindCase.EXCHANGE, 3).forEach(this::answer);
        await("no Checkpoint of superstep 3 before the one of 1 is answered").during(HELD).atMost(HELD.multipliedBy(3))
                .until(() -> agents.pending().isEmpty());
        first.forEach(this::answer);
        List<ScriptedAgents.Sent> second = answerUntil(Command.KindCase.CHECKPOINT, 3);
        assertThat(status().getLastCheckpointSuperstep()).isEqualTo(1);
        second.forEach(this::answer);
        List<ScriptedAgents.Sent> third = answerUntil(Command.KindCase.CHECKPOINT, 5);
        assertThat(status().getLastCheckpointSuperstep()).isEqualTo(3);
        assertThat(dir.resolve("cp").resolve(jobId).resolve("step-1")).as("deleted once 3 counted").doesNotExist();

        answerUntil(Command.KindCase.EXCHANGE, 8).forEach(this::answer);
        await("no WriteOutput while the checkpoint of superstep 5 is written").during(HELD).atMost(HELD.multipliedBy(3))
                .until(() -> agents.pending().isEmpty());
        third.forEach(this::answer);
        ScriptedAgents.Sent output = agents.next();
        assertThat(output.command().getKindCase()).isEqualTo(Command.KindCase.WRITE_OUTPUT);
        assertThat(status().getLastCheckpointSuperstep()).isEqualTo(5);
    }

    @Test
    void aRollbackWhileACheckpointIsWrittenRestoresTheOneBeforeAndItsLateAnswersCountForNothing() throws Exception {
        answerUntil(Command.KindCase.CHECKPOINT, 1).forEach(this::answer);
        List<ScriptedAgents.Sent> inFlight = answerUntil(Command.KindCase.CHECKPOINT, 3);
        ScriptedAgents.Sent start = agents.next();
        assertThat(start.command().getStartSuperstep().getSuperstep()).isEqualTo(4);
        answer(inFlight.get(0));
        // agent-2 dies before it reports the checkpoint of superstep 3 written.
        agents.alive.removeIf(a -> a.agentId().equals("agent-2"));
        scheduler.onTransition("agent-2", AgentState.ALIVE, AgentState.DEAD, "process_exited");

        Map<String, Restore> restores = new TreeMap<>();
        while (restores.isEmpty()) {
            ScriptedAgents.Sent s = agents.next();
            if (s.command().getKindCase() == Command.KindCase.RESTORE) {
                restores.put(s.agent(), s.command().getRestore());
                // The dead writer's answer, late, of the old job epoch.
                answer(inFlight.get(1));
            }
            answer(s);
        }
        assertThat(restores.get("agent-1").getSuperstep()).isEqualTo(1);
        assertThat(restores.get("agent-1").getDirectory()).endsWith(jobId + "/step-1");
        ScriptedAgents.Sent resumed = agents.nextOfKind(Command.KindCase.START_SUPERSTEP, scheduler);
        assertThat(resumed.command().getStartSuperstep().getSuperstep()).isEqualTo(2);
        assertThat(status().getLastCheckpointSuperstep()).as("the late answers did not complete 3").isEqualTo(1);
        cancel();
    }

    @Test
    void aWriterFailingDuringASuperstepLeavesThePreviousCheckpointAndTheJobGoesOn() throws Exception {
        answerUntil(Command.KindCase.CHECKPOINT, 1).forEach(this::answer);
        List<ScriptedAgents.Sent> failing = answerUntil(Command.KindCase.CHECKPOINT, 3);
        answer(failing.get(0));
        ScriptedAgents.answer(scheduler, failing.get(1), Report.newBuilder().setFailure(Failure.newBuilder()
                .setKind(FailureKind.CHECKPOINT_FAILED).setMessage("cannot write the checkpoint of superstep 3: disk full")));

        List<ScriptedAgents.Sent> next = answerUntil(Command.KindCase.CHECKPOINT, 5);
        assertThat(status().getState()).isEqualTo(JobState.RUNNING);
        assertThat(status().getLastCheckpointSuperstep()).isEqualTo(1);
        assertThat(dir.resolve("cp").resolve(jobId).resolve("step-1")).as("the previous one stays").exists();
        assertThat(dir.resolve("cp").resolve(jobId).resolve("step-3")).as("the failed one goes").doesNotExist();
        next.forEach(this::answer);
        cancel();
    }

    /**
     * Answers every command as an agent for which all goes well until the Checkpoint commands
     * of superstep {@code step} (for {@code CHECKPOINT}) or the Exchange commands of
     * {@code step} (for {@code EXCHANGE}) went to both agents; returns those, unanswered.
     */
    private List<ScriptedAgents.Sent> answerUntil(Command.KindCase kind, int step) throws InterruptedException {
        List<ScriptedAgents.Sent> held = new ArrayList<>();
        while (held.size() < agents.alive.size()) {
            ScriptedAgents.Sent s = agents.next();
            Command c = s.command();
            int of = c.hasCheckpoint() ? c.getCheckpoint().getSuperstep() : c.hasExchange() ? c.getExchange().getSuperstep() : -1;
            if (c.getKindCase() == kind && of == step) {
                held.add(s);
            } else {
                answer(s);
            }
        }
        return held;
    }

    /** The usual answer; a writer's file is on the disk before its CheckpointDone. */
    private void answer(ScriptedAgents.Sent s) {
        if (s.command().hasCheckpoint()) {
            try {
                Path step = Files.createDirectories(Path.of(s.command().getCheckpoint().getDirectory()));
                Files.writeString(step.resolve(s.agent() + ".ckpt"), "values");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        ScriptedAgents.answer(scheduler, s, ScriptedAgents.ok(s.command()));
    }

    private JobStatus status() {
        return scheduler.jobs(true).stream().filter(j -> j.getJobId().equals(jobId)).findFirst().orElseThrow();
    }

    private void cancel() {
        scheduler.cancel(CancelJobRequest.newBuilder().setJobId(jobId).build());
        await().atMost(ScriptedAgents.WAIT).until(() -> status().getState() == JobState.CANCELLED);
    }
}
