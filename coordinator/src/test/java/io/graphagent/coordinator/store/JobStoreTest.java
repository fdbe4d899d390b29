package io.graphagent.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobSummary;
import io.graphagent.protocol.v1.StoredCheckpoint;
import io.graphagent.protocol.v1.StoredJob;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job records of the state directory: what goes in comes out, and a damaged file is named, never half-read. */
class JobStoreTest {

    @TempDir
    Path state;

    @Test
    void savedJobsComeBackInJobOrderWithTheirCheckpoint() throws Exception {
        JobStore store = JobStore.open(state);
        StoredJob running = job("job-10", JobState.RUNNING).setJobEpoch(3).setRecoveries(2).setPartitions(12)
                .setCheckpoint(StoredCheckpoint.newBuilder().setSuperstep(9).setDirectory("/cp/job-10/step-9")
                        .addAggregates(0.25).addAggregates(-1.5).setPull(true))
                .addParticipants("agent-1").addParticipants("agent-2").build();
        StoredJob done = job("job-9", JobState.SUCCEEDED)
                .setSummary(JobSummary.newBuilder().setVertices(42).setOutputPath("/out/pr.txt")).build();
        store.save(running);
        store.save(done);

        assertThat(JobStore.open(state).load()).containsExactly(done, running);
    }

    @Test
    void aSaveReplacesTheJobsRecord() throws Exception {
        JobStore store = JobStore.open(state);
        store.save(job("job-1", JobState.RUNNING).build());
        store.save(job("job-1", JobState.FAILED).setMessage("no agent").build());

        assertThat(store.load()).singleElement().satisfies(j -> assertThat(j.getState()).isEqualTo(JobState.FAILED));
        try (var files = Files.list(store.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("job-1.job");
        }
    }

    @Test
    void aTornFileIsNamedWithTheFix() throws Exception {
        JobStore store = JobStore.open(state);
        store.save(job("job-3", JobState.RUNNING).build());
        Path file = store.file("job-3");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));

        assertThatThrownBy(store::load).isInstanceOf(StateDirException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is torn")
                .hasMessageContaining("Fix: move it out of " + store.directory())
                .satisfies(e -> assertThat(((StateDirException) e).file()).isEqualTo(file));
    }

    @Test
    void aFileCutInsideItsHeaderIsTorn() throws Exception {
        JobStore store = JobStore.open(state);
        Files.write(store.file("job-4"), new byte[] {0x47, 0x41});

        assertThatThrownBy(store::load).hasMessageContaining(store.file("job-4") + " is torn: 2 bytes");
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws Exception {
        JobStore store = JobStore.open(state);
        store.save(job("job-5", JobState.RUNNING).build());
        Path file = store.file("job-5");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(file, bytes);

        assertThatThrownBy(store::load).isInstanceOf(StateDirException.class)
                .hasMessage("coordinator state file " + file + " is corrupt: its checksum does not match its contents."
                        + " Fix: move it out of " + store.directory() + " (what it held is then forgotten: the job is no"
                        + " longer shown or resumed; submit it again if it had not finished) or put back a good copy from"
                        + " a backup, then start the coordinator again");
    }

    @Test
    void aFileOfANewerFormatAsksForTheNewerVersion() throws Exception {
        JobStore store = JobStore.open(state);
        store.save(job("job-6", JobState.RUNNING).build());
        Path file = store.file("job-6");
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(4, StoreFile.FORMAT_VERSION + 1);
        Files.write(file, bytes);

        assertThatThrownBy(store::load).hasMessageContaining("has format version " + (StoreFile.FORMAT_VERSION + 1))
                .hasMessageContaining("Fix: run the graphagent version that wrote it");
    }

    @Test
    void aForeignFileIsNotTakenForAJob() throws Exception {
        JobStore store = JobStore.open(state);
        Files.writeString(store.file("job-7"), "hello, this is not a job record");

        assertThatThrownBy(store::load).hasMessageContaining("is not a graphagent state file");
    }

    @Test
    void temporariesOfAnInterruptedWriteAreIgnoredAndRemoved() throws Exception {
        JobStore store = JobStore.open(state);
        store.save(job("job-1", JobState.RUNNING).build());
        Path leftover = store.directory().resolve(".job-1.job.5f3a.tmp");
        Files.write(leftover, new byte[] {1, 2, 3});

        assertThat(store.load()).hasSize(1);
        assertThat(leftover).doesNotExist();
    }

    @Test
    void onlyTheNewestFinishedJobsAreKept() throws Exception {
        JobStore store = JobStore.open(state);
        // KEEP_FINISHED + 2 finished jobs and one running: the two oldest finished ones go.
        int total = JobStore.KEEP_FINISHED + 3;
        for (int n = 1; n <= total; n++) {
            store.save(job("job-" + n, n == 2 ? JobState.RUNNING : JobState.SUCCEEDED).build());
        }

        var kept = store.load();

        assertThat(kept).hasSize(JobStore.KEEP_FINISHED + 1);
        assertThat(kept.get(0).getJobId()).as("an unfinished job is never pruned").isEqualTo("job-2");
        assertThat(kept.get(1).getJobId()).isEqualTo("job-4");
        assertThat(store.file("job-1")).doesNotExist();
        assertThat(store.file("job-3")).doesNotExist();
    }

    private static StoredJob.Builder job(String id, JobState state) {
        return StoredJob.newBuilder().setJobId(id).setState(state).setSubmittedTimeMs(1_700_000_000_000L)
                .setSpec(JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK).setGraph("/g/example").setOutputPath("/out/pr.txt"));
    }
}
