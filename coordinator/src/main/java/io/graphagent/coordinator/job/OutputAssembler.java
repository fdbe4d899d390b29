package io.graphagent.coordinator.job;

import com.google.protobuf.ByteString;
import io.graphagent.graph.output.AtomicFile;
import io.graphagent.protocol.v1.OutputChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the formatted output chunks agents send for each partition and writes them to the
 * user's file in partition order, atomically (temporary file, fsync, rename): a job that
 * fails leaves no half-written output. Used by one job's driver thread.
 */
final class OutputAssembler {
    private final List<List<ByteString>> chunks;
    private final boolean[] complete;
    private int completeCount;

    OutputAssembler(int partitions) {
        chunks = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            chunks.add(new ArrayList<>());
        }
        complete = new boolean[partitions];
    }

    void add(OutputChunk chunk) {
        int p = chunk.getPartitionId();
        if (p >= complete.length || complete[p]) {
            throw new IllegalStateException("unexpected output chunk for partition " + p);
        }
        chunks.get(p).add(chunk.getText());
        if (chunk.getLast()) {
            complete[p] = true;
            completeCount++;
        }
    }

    boolean complete() {
        return completeCount == complete.length;
    }

    /** Writes every partition's lines in partition order; returns bytes written. */
    long writeTo(Path output) throws IOException {
        long bytes = 0;
        try (AtomicFile file = AtomicFile.create(output)) {
            for (List<ByteString> partition : chunks) {
                for (ByteString text : partition) {
                    file.write(text.asReadOnlyByteBuffer());
                    bytes += text.size();
                }
            }
            file.commit();
        }
        return bytes;
    }
}
