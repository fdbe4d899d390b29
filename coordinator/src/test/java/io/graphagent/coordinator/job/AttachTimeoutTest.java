package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that never answers AttachResident (alive, heartbeating, but stuck) is lost within
 * the command's own bound ({@link AttachPhase#ATTACH_TIMEOUT}), measured on the injected clock,
 * and the job attaches again on the other holders of its partitions, instead of waiting a
 * whole phase (30 min) and failing.
 */
class AttachTimeoutTest {
    /** Partitions 0 and 2 are held by agent-1 and agent-3, 1 and 3 by agent-2 only. */
    private static final ResidentCatalog SOCIAL = new ResidentCatalog() {
        @Override
        public Optional<Graph> find(String name) {
            return name.equals("social") ? Optional.of(new Graph("social", "graph-social", 3, "/nowhere/social", true,
                    false, 10, List.of(List.of("agent-1", "agent-3"), List.of("agent-2"), List.of("agent-1", "agent-3"),
                    List.of("agent-2")))) : Optional.empty();
        }

        @Override
        public List<String> names() {
            return List.of("social");
        }
    };

    @TempDir
    Path dir;

    private final ScriptedAgents agents = ScriptedAgents.alive(3);
    private final FakeClock clock = new FakeClock();
    private JobScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void anAgentSilentOnAttachIsLostWithinTheAttachBoundAndItsPartitionsGoToTheOtherHolders() throws Exception {
        scheduler = new JobScheduler(agents, TestConfigs.withJob(job -> job.withCheckpointEvery(0)
                .withCheckpointDir(dir.resolve("cp"))), clock);
        scheduler.useResidents(SOCIAL);
        scheduler.submit(SubmitRequest.newBuilder().setJob(JobSpec.newBuilder()
                .setAlgorithm(Algorithm.PAGERANK).setGraphName("social").setIterations(3)
                .setOutputPath(dir.resolve("out.txt").toString())).build());

        Map<String, List<Integer>> first = attachments(3);
        assertThat(first).containsOnlyKeys("agent-1", "agent-2", "agent-3");
        // agent-2 and agent-3 answer; agent-1 never does.
        for (ScriptedAgents.Sent s : taken) {
            if (!s.agent().equals("agent-1")) {
                ScriptedAgents.answer(scheduler, s, loadDone(s.command()));
            }
        }
        taken.clear();
        clock.advance(AttachPhase.ATTACH_TIMEOUT.minusSeconds(1));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> agents.pending().isEmpty() && status().getState() == JobState.LOADING);

        clock.advance(Duration.ofSeconds(2));

        Map<String, List<Integer>> again = attachments(2);
        assertThat(again).as("agent-1 is not placed again; its partitions go to agent-3")
                .containsOnlyKeys("agent-2", "agent-3");
        assertThat(again.get("agent-3")).containsExactly(0, 2);
        assertThat(again.get("agent-2")).containsExactly(1, 3);
    }

    private final List<ScriptedAgents.Sent> taken = new java.util.ArrayList<>();

    /** The partitions of the next {@code count} AttachResident commands, by agent. */
    private Map<String, List<Integer>> attachments(int count) throws InterruptedException {
        Map<String, List<Integer>> byAgent = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            ScriptedAgents.Sent s = agents.nextOfKind(Command.KindCase.ATTACH_RESIDENT, scheduler);
            taken.add(s);
            byAgent.put(s.agent(), s.command().getAttachResident().getPartitionIdsList());
        }
        return byAgent;
    }

    private static Report.Builder loadDone(Command c) {
        List<Integer> owned = c.getAttachResident().getPartitionIdsList();
        LoadDone.Builder done = LoadDone.newBuilder().addAllPartitionIds(owned).setVertices(owned.size()).setEdges(6)
                .setEdgeSlots(6).setVerticesWithOutEdges(owned.size()).setIdBlocks(4);
        owned.forEach(p -> done.putPartitionVertices(p, 1));
        return Report.newBuilder().setLoadDone(done);
    }

    private io.graphagent.protocol.v1.JobStatus status() {
        return scheduler.jobs(true).getFirst();
    }
}
