package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graphagent coordinator} on a damaged state directory: it refuses to start (exit 2) with
 * one line that names the file and the fix, and no stack trace, rather than forget a job.
 */
class CoordinatorStateDirTest {

    @TempDir
    Path dir;

    @Test
    void aCorruptJobRecordStopsTheStartWithOneLineNamingTheFileAndTheFix() throws Exception {
        Path state = dir.resolve("state");
        Path record = state.resolve("jobs").resolve("job-3.job");
        Files.createDirectories(record.getParent());
        Files.write(record, "GAST and then garbage".getBytes(StandardCharsets.UTF_8));

        Cli.Result r = Cli.run("coordinator", "--config", config(state).toString(), "--insecure");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_BAD_INPUT);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("graphagent: coordinator state file " + record)
                .contains("Fix: move it out of " + record.getParent())
                .doesNotContain("Exception", "\tat ");
        assertThat(record).as("the record is left for the operator").exists();
    }

    @Test
    void aStateDirectoryHeldByAnotherCoordinatorIsRefused() throws Exception {
        Path state = dir.resolve("state");
        try (var held = io.graphagent.coordinator.store.StateDir.open(state)) {
            Cli.Result r = Cli.run("coordinator", "--config", config(state).toString(), "--insecure");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_BAD_INPUT);
            assertThat(r.err()).contains("coordinator.lock is held by another coordinator (pid "
                    + ProcessHandle.current().pid() + ")", "Fix: stop that coordinator");
        }
    }

    private Path config(Path state) throws Exception {
        Path config = dir.resolve("graphagent.yaml");
        Files.writeString(config, "coordinator:\n  listen: 127.0.0.1:0\n  admin-listen: 127.0.0.1:0\n  state-dir: '"
                + state + "'\n", StandardCharsets.UTF_8);
        return config;
    }
}
