package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.SubmitRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the user-program cluster tests share of a `graphagent local` cluster: its logs, and a job run with an agent killed under it. */
final class ClusterRuns {
    private ClusterRuns() {
    }

    /** The log of process {@code name} ("coordinator", "agent-2") of the cluster in {@code state}, read whole. */
    static String log(Path state, String name) throws IOException {
        return Files.readString(new LocalState(state).log(name), StandardCharsets.UTF_8);
    }

    /**
     * Submits {@code job}, watches it to its end and SIGKILLs {@code agent} once the job runs
     * superstep {@code at} or later (asserting it did); the job's last progress.
     */
    static JobProgress killingUnder(LocalCluster cluster, JobSpec job, String agent, int at) throws Exception {
        JobProgress last = null;
        boolean killed = false;
        try (CoordinatorClient client = cluster.client()) {
            var reply = client.submit(SubmitRequest.newBuilder().setJob(job).build());
            assertThat(reply.getErrorsList()).isEmpty();
            for (var progress = client.watch(reply.getJobId()); progress.hasNext(); ) {
                last = progress.next();
                if (!killed && last.getState() == JobState.RUNNING && last.getSuperstep() >= at) {
                    killed = true;
                    ProcessHandle victim = ProcessHandle.of(cluster.child(agent).orElseThrow().pid()).orElseThrow();
                    victim.destroyForcibly();
                    victim.onExit().get(30, TimeUnit.SECONDS);
                }
            }
        }
        assertThat(killed).as("%s was killed mid-job", agent).isTrue();
        return last;
    }
}
