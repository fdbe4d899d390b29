package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateRmatCommandTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedGivesTheSameBytesTwice() throws IOException {
        Cli.Result a = Cli.run("generate", "rmat", "--scale", "11", "--seed", "7", "--weighted", "--threads", "1", "--output", dir.resolve("a").toString());
        Cli.Result b = Cli.run("generate", "rmat", "--scale", "11", "--seed", "7", "--weighted", "--threads", "3", "--output", dir.resolve("b").toString());

        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("a.e"))).isEqualTo(Files.readAllBytes(dir.resolve("b.e")));
        assertThat(Files.readAllBytes(dir.resolve("a.v"))).isEqualTo(Files.readAllBytes(dir.resolve("b.v")));
        assertThat(a.out()).contains("generated=rmat", "vertices=2048", "edges=32768", "seed=7", "weighted=true");
    }

    @Test
    void generatedGraphRunsWithTheRunCommand() {
        Path prefix = dir.resolve("g");
        assertThat(Cli.run("generate", "rmat", "--scale", "9", "--edge-factor", "4", "--output", prefix.toString()).exitCode()).isZero();

        Cli.Result r = Cli.run("run", "-a", "wcc", "-g", prefix.toString(), "--undirected", "-o", dir.resolve("wcc").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("vertices=512", "edges=2048");
    }

    @Test
    void missingOutputDirectoryIsBadInput() {
        Cli.Result r = Cli.run("generate", "rmat", "--scale", "4", "--output", dir.resolve("nodir/g").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("does not exist", "Fix:");
    }

    @Test
    void scaleOutOfRangeIsBadInput() {
        Cli.Result r = Cli.run("generate", "rmat", "--scale", "40", "--output", dir.resolve("g").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("scale must be between 1 and 30");
    }
}
