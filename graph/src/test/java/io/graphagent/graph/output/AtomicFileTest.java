package io.graphagent.graph.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs are written only as regular files: a device, FIFO, socket or symbolic link at the
 * target is refused (it used to be replaced by a regular file: `run -o DIR/mynull`, a copy of
 * /dev/null, left a 113-byte file), and an existing file only with {@link Existing#REPLACE}.
 */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void aCharacterDeviceIsRefusedAndStaysADevice() throws Exception {
        Path device = dir.resolve("mynull");
        assumeTrue(run("mknod", device.toString(), "c", "1", "3"), "mknod needs CAP_MKNOD (root)");

        assertThatThrownBy(() -> write(device, Existing.REPLACE))
                .isInstanceOf(OutputException.class)
                .hasMessage(device + ": is a character device, not a regular file; outputs are written only as regular"
                        + " files. Fix: choose an output path that names a regular file or nothing yet");

        assertThat(Files.isRegularFile(device, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(run("test", "-c", device.toString())).isTrue();
        assertThat(ResultWriterTest.filesIn(dir)).containsExactly("mynull");
    }

    @Test
    void theSystemsDevNullIsRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> AtomicFile.checkWritable(Path.of("/dev/null"), Existing.REPLACE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("/dev/null: is a character device, not a regular file");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("pipe");
        assumeTrue(run("mkfifo", fifo.toString()), "mkfifo (coreutils) is missing");

        assertThatThrownBy(() -> write(fifo, Existing.REPLACE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("is a FIFO (named pipe), not a regular file");
        assertThat(run("test", "-p", fifo.toString())).isTrue();
    }

    @Test
    void aSocketIsRefused() throws IOException {
        Path socket = dir.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> write(socket, Existing.REPLACE))
                    .isInstanceOf(OutputException.class)
                    .hasMessageContaining("is a socket, not a regular file");
        }
    }

    @Test
    void aSymbolicLinkIsRefusedAndItsTargetKept() throws IOException {
        Path target = Files.writeString(dir.resolve("precious"), "keep me\n");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThatThrownBy(() -> write(link, Existing.REPLACE))
                .isInstanceOf(OutputException.class)
                .hasMessage(link + ": is a symbolic link; outputs are written only as regular files."
                        + " Fix: give the path of the file itself, or another output path");

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("keep me\n");
    }

    @Test
    void anExistingFileIsNotReplacedWithoutOverwrite() throws IOException {
        Path out = Files.writeString(dir.resolve("result"), "earlier result\n");

        assertThatThrownBy(() -> write(out, Existing.REFUSE))
                .isInstanceOf(OutputException.class)
                .hasMessage(out + ": already exists. Fix: pass --overwrite to replace it, or choose another output path");

        assertThat(Files.readString(out)).isEqualTo("earlier result\n");
        assertThat(ResultWriterTest.filesIn(dir)).containsExactly("result");
    }

    @Test
    void aFileThatAppearsWhileTheJobRunsIsNotReplacedEither() throws IOException {
        Path out = dir.resolve("result");
        try (AtomicFile file = AtomicFile.create(out, Existing.REFUSE)) {
            file.write(ByteBuffer.wrap("new\n".getBytes(StandardCharsets.US_ASCII)));
            Files.writeString(out, "written meanwhile\n");

            assertThatThrownBy(file::commit).isInstanceOf(OutputException.class).hasMessageContaining("already exists");
        }
        assertThat(Files.readString(out)).isEqualTo("written meanwhile\n");
        assertThat(ResultWriterTest.filesIn(dir)).containsExactly("result");
    }

    @Test
    void overwriteReplacesARegularFileAndKeepsItsMode() throws IOException {
        Path out = Files.writeString(dir.resolve("result"), "old\n");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));

        write(out, Existing.REPLACE);

        assertThat(Files.readString(out)).isEqualTo("new\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r-----");
    }

    @Test
    void aNewFileIsLinkedInPlaceWithNoTemporaryLeft() throws IOException {
        Path out = dir.resolve("result");

        write(out, Existing.REFUSE);

        assertThat(Files.readString(out)).isEqualTo("new\n");
        assertThat(ResultWriterTest.filesIn(dir)).containsExactly("result");
    }

    private static void write(Path target, Existing existing) throws IOException {
        try (AtomicFile file = AtomicFile.create(target, existing)) {
            file.write(ByteBuffer.wrap("new\n".getBytes(StandardCharsets.US_ASCII)));
            file.commit();
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
