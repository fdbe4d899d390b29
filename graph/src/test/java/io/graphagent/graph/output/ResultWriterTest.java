package io.graphagent.graph.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.graphagent.graph.csr.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultWriterTest {
    @TempDir
    Path dir;

    /** A graph of isolated vertices with the given original ids (ascending). */
    static Graph vertices(long... ids) {
        int[] offsets = new int[ids.length + 1];
        return new Graph(true, ids, offsets, new int[0], null, offsets, new int[0], null, 0);
    }

    @Test
    void writesOneLinePerVertexInDenseOrderWithOriginalIds() throws IOException {
        Graph g = vertices(3, 17, 9_000_000_000L);
        Path out = dir.resolve("result");

        ResultWriter.write(out, g, new double[] {0, 1.5, Double.POSITIVE_INFINITY}, v -> Double.isInfinite(v) ? "infinity" : Double.toString(v), Existing.REFUSE);

        assertThat(Files.readAllLines(out)).containsExactly("3 0.0", "17 1.5", "9000000000 infinity");
        assertThat(filesIn(dir)).containsExactly("result");
    }

    @Test
    void writesManyLinesAcrossBufferBoundaries() throws IOException {
        int n = 300_000;
        long[] ids = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1_000_000_000_000L + 7L * i;
            values[i] = i % 1000;
        }
        Path out = dir.resolve("big");

        ResultWriter.write(out, vertices(ids), values, v -> Long.toString((long) v), Existing.REFUSE);

        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(n);
        for (int i = 0; i < n; i += 9973) {
            assertThat(lines.get(i)).isEqualTo(ids[i] + " " + (i % 1000));
        }
        assertThat(lines.get(n - 1)).isEqualTo(ids[n - 1] + " " + ((n - 1) % 1000));
    }

    @Test
    void replacesAnExistingFileWhole() throws IOException {
        Path out = dir.resolve("result");
        Files.writeString(out, "old content that is longer than the new one\n".repeat(10));

        ResultWriter.write(out, vertices(1), new double[] {2}, v -> "2", Existing.REPLACE);

        assertThat(Files.readString(out)).isEqualTo("1 2\n");
    }

    @Test
    void missingDirectoryIsNamedWithTheFixAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("no-such-dir").resolve("result");

        assertThatThrownBy(() -> ResultWriter.write(out, vertices(1), new double[] {1}, v -> "1", Existing.REFUSE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining(dir.resolve("no-such-dir").toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("Fix: create it");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void parentThatIsARegularFileIsRefusedEvenForRoot() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path out = file.resolve("result");

        assertThatThrownBy(() -> AtomicFile.checkWritable(out, Existing.REFUSE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("is a file, not a directory");
        assertThat(filesIn(dir)).containsExactly("plain-file");
    }

    @Test
    void directoryWithoutWritePermissionIsRefused() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes through permission bits");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> ResultWriter.write(locked.resolve("result"), vertices(1), new double[] {1}, v -> "1", Existing.REFUSE))
                    .isInstanceOf(OutputException.class)
                    .hasMessageContaining("is not writable")
                    .hasMessageContaining("chmod u+w " + locked);
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(filesIn(locked)).isEmpty();
    }

    @Test
    void outputThatIsADirectoryIsRefused() {
        assertThatThrownBy(() -> ResultWriter.write(dir, vertices(1), new double[] {1}, v -> "1", Existing.REFUSE))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void failureWhileWritingLeavesNoFileBehind() throws IOException {
        Path out = dir.resolve("result");
        Files.writeString(out, "previous\n");
        int n = 100_000;
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }

        assertThatThrownBy(() -> ResultWriter.write(out, vertices(ids), new double[n], v -> {
            throw new IllegalStateException("formatter broke");
        }, Existing.REPLACE)).isInstanceOf(IllegalStateException.class);

        assertThat(Files.readString(out)).isEqualTo("previous\n");
        assertThat(filesIn(dir)).containsExactly("result");
    }

    @Test
    void valueCountMustMatchVertexCount() {
        assertThatThrownBy(() -> ResultWriter.write(dir.resolve("r"), vertices(1, 2), new double[1], v -> "x", Existing.REFUSE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<String> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
