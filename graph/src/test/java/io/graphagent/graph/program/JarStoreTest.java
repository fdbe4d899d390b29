package io.graphagent.graph.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarStoreTest {
    @TempDir
    Path dir;

    private static final byte[] BYTES = "PK\u0003\u0004 a jar's bytes, in two chunks".getBytes(StandardCharsets.ISO_8859_1);

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] part(int from, int to) {
        return java.util.Arrays.copyOfRange(BYTES, from, to);
    }

    @Test
    void aJarReceivedInChunksIsKeptUnderItsShaAndFoundAgain() throws Exception {
        JarStore store = new JarStore(dir.resolve("programs"));
        String sha = sha(BYTES);
        assertThat(store.find(sha)).isEmpty();
        Path kept;
        try (JarStore.Incoming in = store.receive(sha, BYTES.length, JarStore.MAX_JAR_BYTES)) {
            in.write(0, part(0, 10));
            in.write(10, part(10, BYTES.length));
            kept = in.commit();
        }
        assertThat(kept).isEqualTo(dir.resolve("programs").resolve(sha + ".jar"));
        assertThat(Files.readAllBytes(kept)).isEqualTo(BYTES);
        assertThat(store.find(sha)).contains(kept);
        assertThat(JarStore.sha256(kept)).isEqualTo(sha);
        assertThat(Files.list(dir.resolve("programs")).toList()).containsExactly(kept);
    }

    @Test
    void bytesWhoseShaDiffersFromTheAnnouncedOneAreRefusedAndNothingIsKept() throws Exception {
        JarStore store = new JarStore(dir.resolve("programs"));
        String announced = sha("other bytes".getBytes(StandardCharsets.US_ASCII));
        try (JarStore.Incoming in = store.receive(announced, BYTES.length, JarStore.MAX_JAR_BYTES)) {
            in.write(0, BYTES);
            assertThatThrownBy(in::commit).isInstanceOf(JarStore.JarRejectedException.class)
                    .hasMessage("the jar received has SHA-256 " + sha(BYTES) + ", not the " + announced
                            + " announced: it was corrupted or changed in transit");
        }
        assertThat(store.find(announced)).isEmpty();
        assertThat(Files.list(dir.resolve("programs")).toList()).as("the temporary file is gone").isEmpty();
    }

    @Test
    void aShortJarAGapAndExtraBytesAreRefused() throws Exception {
        JarStore store = new JarStore(dir);
        String sha = sha(BYTES);
        try (JarStore.Incoming in = store.receive(sha, BYTES.length, JarStore.MAX_JAR_BYTES)) {
            in.write(0, part(0, 5));
            assertThatThrownBy(() -> in.write(7, part(7, 9))).isInstanceOf(JarStore.JarRejectedException.class)
                    .hasMessage("bytes at offset 7 of the jar arrived, expected offset 5");
            assertThatThrownBy(in::commit).isInstanceOf(JarStore.JarRejectedException.class)
                    .hasMessage("the jar ended after 5 of the " + BYTES.length + " bytes announced");
        }
        try (JarStore.Incoming in = store.receive(sha, 4, JarStore.MAX_JAR_BYTES)) {
            assertThatThrownBy(() -> in.write(0, BYTES)).isInstanceOf(JarStore.JarRejectedException.class)
                    .hasMessage("the jar is longer than the 4 bytes announced");
        }
        assertThat(store.find(sha)).isEmpty();
    }

    @Test
    void aJarOverTheLimitOrANameThatIsNoShaIsRefusedBeforeAnyByte() {
        JarStore store = new JarStore(dir);
        assertThatThrownBy(() -> store.receive("a".repeat(64), JarStore.MAX_JAR_BYTES + 1, JarStore.MAX_JAR_BYTES))
                .isInstanceOf(JarStore.JarRejectedException.class)
                .hasMessageStartingWith("the jar is " + (JarStore.MAX_JAR_BYTES + 1) + " bytes; at most " + JarStore.MAX_JAR_BYTES
                        + " bytes (64 MiB) are taken");
        assertThatThrownBy(() -> store.receive("../../etc/passwd", 1, JarStore.MAX_JAR_BYTES))
                .isInstanceOf(JarStore.JarRejectedException.class)
                .hasMessage("'../../etc/passwd' is not a SHA-256 (64 lower-case hex digits)");
        assertThat(store.find("../../etc/passwd")).isEmpty();
    }
}
