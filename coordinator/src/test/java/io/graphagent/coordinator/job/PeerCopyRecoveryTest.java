package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.Checkpoint;
import io.graphagent.protocol.v1.CheckpointDone;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Restore;
import io.graphagent.protocol.v1.RestoreDone;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.SuperstepDone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's side of peer-copy checkpoints, with three scripted agents and no network:
 * each agent is told to copy to the next by id, a checkpoint counts only with every copy
 * reported, and after agent-2 is lost the Restore of each survivor names exactly the
 * partitions it needs and lacks, with the data address of an agent that still holds them.
 */
class PeerCopyRecoveryTest {
    private static final Duration WAIT = ScriptedAgents.WAIT;
    /** 6 partitions: agent-1 owns 0, 3; agent-2 owns 1, 4; agent-3 owns 2, 5. */
    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    private final ScriptedAgents agents = ScriptedAgents.alive(3);
    private JobScheduler scheduler;
    private String jobId;
    /** The RebuildPartitions each survivor got in the recovery. */
    private final Map<String, io.graphagent.protocol.v1.RebuildPartitions> rebuilds = new TreeMap<>();

    @BeforeEach
    void submit() throws Exception {
        Files.writeString(dir.resolve("g.txt"), "1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n");
        GraphagentConfig config = TestConfigs.withJob(job -> job.withCheckpointEvery(2)
                .withCheckpointDir(dir.resolve("shared-unused")).withCheckpointStorage(CheckpointStorage.PEER_COPY));
        scheduler = new JobScheduler(agents, config, Clock.systemUTC());
        io.graphagent.protocol.v1.SubmitReply reply = scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                .setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK).setGraph(dir.resolve("g.txt").toString())
                .setDirected(true).setIterations(20).setDamping(0.85).setPartitions(PARTITIONS).setCheckpointEvery(2)
                .setOutputPath(dir.resolve("out.txt").toString())).build());
        assertThat(reply.getErrorsList()).isEmpty();
        jobId = reply.getJobId();
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @Test
    void survivorsFetchFromALiveHolderExactlyWhatTheyNeedAndLack_pulling() throws Exception {
        Map<String, Restore> restores = runAndLoseAgent2(true);

        // agent-1 now owns 0, 1, 3 and holds 0, 3 (own) and 2, 5 (agent-3's copies): 1 and 4 are on agent-3 only.
        assertThat(restores.get("agent-1").getPartitionIdsList()).containsExactly(0, 1, 3);
        assertThat(restores.get("agent-1").getReplicaAddressesMap())
                .isEqualTo(Map.of(1, "127.0.0.1:7503", 4, "127.0.0.1:7503"));
        // agent-3 now owns 2, 4, 5 and holds 2, 5 (own) and 1, 4 (agent-2's copies): 0 and 3 are on agent-1.
        assertThat(restores.get("agent-3").getPartitionIdsList()).containsExactly(2, 4, 5);
        assertThat(restores.get("agent-3").getReplicaAddressesMap())
                .isEqualTo(Map.of(0, "127.0.0.1:7501", 3, "127.0.0.1:7501"));
        assertThat(restores.values()).allSatisfy(r -> {
            assertThat(r.getDirectory()).isEqualTo(jobId + "/step-3");
            assertThat(r.getSuperstep()).isEqualTo(3);
            assertThat(r.getPull()).isTrue();
        });
    }

    @Test
    void survivorsFetchOnlyTheirOwnPartitionsWhenNothingIsPulled() throws Exception {
        Map<String, Restore> restores = runAndLoseAgent2(false);

        assertThat(restores.get("agent-1").getReplicaAddressesMap()).isEqualTo(Map.of(1, "127.0.0.1:7503"));
        assertThat(restores.get("agent-3").getReplicaAddressesMap()).as("it keeps agent-2's copy of 4").isEmpty();
        assertThat(restores.values()).allSatisfy(r -> assertThat(r.getPull()).isFalse());
        // The shares come from the structure files, held where the checkpoint's files are: agent-2's on agent-3.
        assertThat(rebuilds).containsOnlyKeys("agent-1", "agent-3");
        assertThat(rebuilds.get("agent-1").getPartitionIdsList()).containsExactly(0, 1, 3);
        assertThat(rebuilds.get("agent-1").getReplicaAddressesMap()).isEqualTo(Map.of(1, "127.0.0.1:7503"));
        assertThat(rebuilds.get("agent-3").getPartitionIdsList()).containsExactly(2, 4, 5);
        assertThat(rebuilds.get("agent-3").getReplicaAddressesMap()).as("it holds agent-2's structure of 4").isEmpty();
        assertThat(rebuilds.values()).allSatisfy(r -> assertThat(r.getDirectory()).isEqualTo(jobId + "/structure"));
    }

    @Test
    void aCheckpointWithoutEveryCopyDoesNotCountAndTheRollbackGoesToThePreviousOne() throws Exception {
        Map<String, Restore> restores = run(true, (agent, c) -> {
            if (c.getCheckpoint().getSuperstep() == 3 && agent.equals("agent-3")) {
                return Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.CHECKPOINT_FAILED)
                        .setMessage("wrote the checkpoint of superstep 3 but could not copy it: peer agent-1 disk full"));
            }
            return done(c, true);
        });

        assertThat(restores.values()).allSatisfy(r -> {
            assertThat(r.getSuperstep()).as("the checkpoint of superstep 1").isEqualTo(1);
            assertThat(r.getDirectory()).isEqualTo(jobId + "/step-1");
        });
        assertThat(restores.get("agent-1").getReplicaAddressesMap()).containsOnlyKeys(1, 4);
    }

    @Test
    void aCheckpointDoneWithoutTheCopyDoesNotCountEither() throws Exception {
        Map<String, Restore> restores = run(true, (agent, c) -> done(c, !(c.getCheckpoint().getSuperstep() == 3
                && agent.equals("agent-1"))));

        assertThat(restores.values()).allSatisfy(r -> assertThat(r.getSuperstep()).isEqualTo(1));
    }

    /** Runs to just after the checkpoint of superstep 3, loses agent-2, and returns the survivors' Restores. */
    private Map<String, Restore> runAndLoseAgent2(boolean pull) throws Exception {
        List<Command> checkpoints = new CopyOnWriteArrayList<>();
        Map<String, Restore> restores = run(pull, (agent, c) -> {
            checkpoints.add(c);
            return done(c, true);
        });
        // Each agent copies to the next by id; the second checkpoint lets the first go.
        Map<String, String> replicaOf = new TreeMap<>();
        for (Command c : checkpoints) {
            Checkpoint k = c.getCheckpoint();
            assertThat(k.getDirectory()).isEqualTo(jobId + "/step-" + k.getSuperstep());
            assertThat(k.hasRetainedSuperstep()).isEqualTo(k.getSuperstep() == 3);
            if (k.hasRetainedSuperstep()) {
                assertThat(k.getRetainedSuperstep()).isEqualTo(1);
            }
            replicaOf.put(agents.owner(c) + "@" + k.getSuperstep(), k.getReplicaAddress());
        }
        assertThat(replicaOf).isEqualTo(Map.of(
                "agent-1@1", "127.0.0.1:7502", "agent-2@1", "127.0.0.1:7503", "agent-3@1", "127.0.0.1:7501",
                "agent-1@3", "127.0.0.1:7502", "agent-2@3", "127.0.0.1:7503", "agent-3@3", "127.0.0.1:7501"));
        return restores;
    }

    @FunctionalInterface
    private interface CheckpointAnswer {
        Report.Builder answer(String agent, Command checkpoint);
    }

    private static Report.Builder done(Command c, boolean replicated) {
        return Report.newBuilder().setCheckpointDone(CheckpointDone.newBuilder().setSuperstep(c.getCheckpoint().getSuperstep())
                .setBytes(100).setReplicated(replicated));
    }

    /**
     * Plays the three agents: loads, supersteps (broadcasting over every edge when {@code pull},
     * else sending messages), checkpoints answered by {@code checkpoint}; at superstep 4 agent-2
     * dies (once the checkpoint of superstep 3 is committed, when every writer reported it done
     * and copied). Returns the Restore each survivor gets, then cancels the job.
     */
    private Map<String, Restore> run(boolean pull, CheckpointAnswer checkpoint) throws Exception {
        Map<String, Restore> restores = new TreeMap<>();
        java.util.concurrent.atomic.AtomicInteger goodAnswersOf3 = new java.util.concurrent.atomic.AtomicInteger();
        boolean lost = false;
        while (restores.size() < 2) {
            ScriptedAgents.Sent sent = agents.next();
            Command c = sent.command();
            String agent = sent.agent();
            Report.Builder r = switch (c.getKindCase()) {
                case LOAD_PARTITIONS, SHUFFLE_PARTITIONS, BUILD_PARTITIONS -> ScriptedAgents.ok(c);
                case REBUILD_PARTITIONS -> {
                    rebuilds.put(agent, c.getRebuildPartitions());
                    yield ScriptedAgents.ok(c);
                }
                case START_SUPERSTEP -> {
                    int step = c.getStartSuperstep().getSuperstep();
                    if (step == 4 && !lost) {
                        if (goodAnswersOf3.get() == 3) {
                            // The writers answered while superstep 4 starts; the coordinator commits the checkpoint
                            // in its next wait. Lost before that, agent-2 would take the job back to superstep 1.
                            org.awaitility.Awaitility.await().atMost(WAIT).until(
                                    () -> scheduler.jobs(true).get(0).getLastCheckpointSuperstep() == 3);
                        }
                        lost = true;
                        agents.alive.removeIf(a -> a.agentId().equals("agent-2"));
                        scheduler.onTransition("agent-2", AgentState.ALIVE, AgentState.DEAD, "process_exited");
                    }
                    yield Report.newBuilder().setSuperstepDone(SuperstepDone.newBuilder().setSuperstep(step)
                            .setActiveVertices(2).setComputedVertices(2).setMessagesSent(pull ? 0 : 4)
                            .setBroadcastEdges(pull ? 20 : 0).setBroadcastersWithOutEdges(pull ? 2 : 0));
                }
                case EXCHANGE -> Report.newBuilder().setExchangeDone(ExchangeDone.newBuilder()
                        .setSuperstep(c.getExchange().getSuperstep()));
                case CHECKPOINT -> {
                    Report.Builder answer = checkpoint.answer(agent, c);
                    if (c.getCheckpoint().getSuperstep() == 3 && answer.hasCheckpointDone()
                            && answer.getCheckpointDone().getReplicated()) {
                        goodAnswersOf3.incrementAndGet();
                    }
                    yield answer;
                }
                case RESTORE -> {
                    restores.put(agent, c.getRestore());
                    yield Report.newBuilder().setRestoreDone(RestoreDone.newBuilder().setSuperstep(c.getRestore().getSuperstep())
                            .addAllPartitionIds(c.getRestore().getPartitionIdsList()));
                }
                default -> null;
            };
            if (r != null && !(lost && agent.equals("agent-2"))) {
                scheduler.onReport(agent, r.setCommandId(c.getCommandId()).setJobId(c.getJobId()).setJobEpoch(c.getJobEpoch())
                        .build());
            }
        }
        assertThat(restores).containsOnlyKeys("agent-1", "agent-3");
        scheduler.cancel(CancelJobRequest.newBuilder().setJobId(jobId).build());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> scheduler.jobs(true).get(0).getState() == JobState.CANCELLED);
        return restores;
    }
}
