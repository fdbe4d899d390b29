package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsAllSixKernelsAndMatchesTheReference() {
        Path out = dir.resolve("demo");

        Cli.Result r = Cli.run("demo", "--output-dir", out.toString(), "--threads", "2");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String kernel : new String[] {"BFS", "PR", "WCC", "CDLP", "LCC", "SSSP"}) {
            assertThat(r.out()).containsPattern("example-directed +" + kernel + " +\\d+ +[0-9.]+ +yes ");
            assertThat(r.out()).containsPattern("rmat-14 +" + kernel + " +\\d+ +[0-9.]+ +n/a ");
            assertThat(out.resolve("results/example-directed-" + kernel)).exists();
            assertThat(out.resolve("results/rmat-14-" + kernel)).exists();
        }
        assertThat(r.out()).contains("all six kernels match");
        assertThat(Files.exists(out.resolve("rmat-14.e"))).isTrue();
    }
}
