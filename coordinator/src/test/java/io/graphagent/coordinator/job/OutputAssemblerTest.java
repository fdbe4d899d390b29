package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.graphagent.graph.output.Existing;
import io.graphagent.protocol.v1.OutputChunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputAssemblerTest {
    @TempDir
    Path dir;

    private static OutputChunk chunk(int partition, int seq, String text, boolean last) {
        return OutputChunk.newBuilder().setPartitionId(partition).setSeq(seq).setLast(last)
                .setText(ByteString.copyFrom(text, StandardCharsets.US_ASCII)).build();
    }

    @Test
    void chunksSentAgainAfterAResumeAreKeptOnceAndAGapWaitsForTheResend() throws Exception {
        OutputAssembler output = new OutputAssembler(2);
        assertThat(output.add(chunk(0, 0, "0 a\n", false))).isTrue();
        // Chunk 1 of partition 0 lost with the broken stream: chunk 2 cannot be placed yet.
        assertThat(output.add(chunk(0, 2, "4 c\n", true))).isFalse();
        assertThat(output.add(chunk(1, 0, "1 x\n3 y\n", true))).isTrue();
        assertThat(output.complete()).isFalse();
        // The agent sends every report of the command again.
        assertThat(output.add(chunk(0, 0, "0 a\n", false))).isFalse();
        assertThat(output.add(chunk(0, 1, "2 b\n", false))).isTrue();
        assertThat(output.add(chunk(0, 2, "4 c\n", true))).isTrue();
        assertThat(output.add(chunk(1, 0, "1 x\n3 y\n", true))).isFalse();
        assertThat(output.complete()).isTrue();
        Path file = dir.resolve("out.txt");
        output.writeTo(file, Existing.REFUSE);
        assertThat(Files.readString(file)).isEqualTo("0 a\n1 x\n2 b\n3 y\n4 c\n");
    }
}
