package io.graphagent.agent.job;

import com.google.protobuf.ByteString;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.protocol.v1.OutputChunk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A job's final values as Graphalytics output lines ({@code original-id value}), partition by
 * partition, in chunks for the coordinator to assemble. Stateless.
 */
final class OutputText {
    private OutputText() {
    }

    /** Formats the owned partitions' final values, in chunks of about {@code chunkBytes}; each partition's last chunk says so. */
    static void write(GraphShare share, PartitionRunner runner, Kernel kernel, int[] owned, int chunkBytes,
                      Consumer<OutputChunk> sink) {
        double[][] doubles = runner.doubleFields();
        long[][] longs = runner.longFields();
        Partitioning partitioning = runner.partitioning();
        ByteArrayOutputStream text = new ByteArrayOutputStream(chunkBytes + 256);
        for (int p : owned) {
            int first = share.firstSlot(p);
            int members = partitioning.size(p);
            int seq = 0;
            for (int i = 0; i < members; i++) {
                int v = first + i;
                byte[] line = (share.originalId(v) + " " + kernel.format(doubles, longs, v) + "\n").getBytes(StandardCharsets.US_ASCII);
                text.writeBytes(line);
                if (text.size() >= chunkBytes) {
                    sink.accept(chunk(p, seq++, text, i == members - 1));
                }
            }
            if (text.size() > 0 || members == 0) {
                sink.accept(chunk(p, seq, text, true));
            }
        }
    }

    private static OutputChunk chunk(int partition, int seq, ByteArrayOutputStream text, boolean last) {
        OutputChunk chunk = OutputChunk.newBuilder().setPartitionId(partition).setSeq(seq)
                .setText(ByteString.copyFrom(text.toByteArray())).setLast(last).build();
        text.reset();
        return chunk;
    }
}
