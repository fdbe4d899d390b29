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
    void demoRunsAllSixKernelsOnALocalClusterAndMatchesTheReferenceAndTheEngine() {
        Path out = dir.resolve("demo");

        Cli.Result r = Cli.run("demo", "--output-dir", out.toString(), "--threads", "2");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        for (String kernel : new String[] {"BFS", "PR", "WCC", "CDLP", "LCC", "SSSP"}) {
            assertThat(r.out()).containsPattern("example-directed +" + kernel + " +\\d+ +[0-9.]+ +yes \\(reference\\)");
            assertThat(r.out()).containsPattern("rmat-11 +" + kernel + " +\\d+ +[0-9.]+ +yes \\(engine\\)");
            assertThat(out.resolve("results/example-directed-" + kernel)).exists();
            assertThat(out.resolve("results/rmat-11-" + kernel)).exists();
        }
        assertThat(r.out()).contains("all six kernels match");
        assertThat(Files.exists(out.resolve("rmat-11.e"))).isTrue();
        assertThat(r.out()).contains("cluster up").contains("stopped 4 processes")
                .containsPattern("\ndashboard: http://127\\.0\\.0\\.1:\\d+/#token=[0-9a-f]{32} ");
    }
}
