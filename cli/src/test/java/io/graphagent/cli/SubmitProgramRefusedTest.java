package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.config.UserPrograms;
import io.graphagent.coordinator.program.ProgramServer;
import io.graphagent.graph.program.JarStore;
import io.graphagent.net.testing.LoopbackGrpcServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graphagent submit --program} against a coordinator that runs without TLS (the real
 * ProgramService on a plaintext port on 127.0.0.1, as {@code coordinator --insecure} serves it):
 * the upload is refused before any Submit, the client says why, exits non-zero, and the
 * coordinator stores nothing.
 */
class SubmitProgramRefusedTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final LoopbackGrpcServer server = new LoopbackGrpcServer();

    /** The coordinator's real program service under {@code policy}, storing jars under dir/programs. */
    private String start(UserPrograms policy) throws Exception {
        return server.start(new ProgramServer(new JarStore(dir.resolve("programs")), policy).definition());
    }

    private Path jar() throws Exception {
        Path jar = dir.resolve("program.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("com/example/P.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            out.closeEntry();
        }
        return jar;
    }

    private Cli.Result submit(String coordinator) throws Exception {
        return Cli.run("submit", "--coordinator", coordinator, "--insecure", "--program", jar().toString(),
                "--class", "com.example.P", "--graph", dir.resolve("g").toString(), "--output", dir.resolve("o").toString());
    }

    @Test
    void anInsecureCoordinatorRefusesUserProgramsAndSaysWhy() throws Exception {
        String coordinator = start(UserPrograms.ALLOW);

        Cli.Result r = submit(coordinator);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_REFUSED);
        assertThat(r.err()).as(r.toString()).contains("UploadProgram failed")
                .contains("this coordinator runs without TLS (--insecure), so no certificate says who sends the code: user"
                        + " programs are refused")
                .doesNotContain("submitted");
        assertThat(dir.resolve("programs")).doesNotExist();
    }

    @Test
    void aClusterThatDeniesUserProgramsRefusesTheUploadNamingTheKey() throws Exception {
        String coordinator = start(UserPrograms.DENY);

        Cli.Result r = submit(coordinator);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_REFUSED);
        assertThat(r.err()).as(r.toString()).contains("job.user-programs: deny").doesNotContain("submitted");
        assertThat(dir.resolve("programs")).doesNotExist();
    }
}
