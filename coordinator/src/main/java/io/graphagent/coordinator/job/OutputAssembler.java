package io.graphagent.coordinator.job;

import com.google.protobuf.ByteString;
import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.output.Existing;
import io.graphagent.protocol.v1.OutputChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the formatted output chunks agents send for each partition and writes them to the
 * user's file in ascending vertex id, atomically (temporary file, fsync, rename): a job that
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

    /**
     * Keeps the chunk if it is the next one its partition lacks; a chunk seen before (sent again
     * after a session resumed) or one past a gap (its predecessor lost with a broken stream; it
     * comes again with the rest) is dropped. Returns whether it was kept.
     */
    boolean add(OutputChunk chunk) {
        int p = chunk.getPartitionId();
        if (p >= complete.length) {
            throw new IllegalStateException("output chunk for partition " + p + " of " + complete.length);
        }
        if (complete[p] || chunk.getSeq() != chunks.get(p).size()) {
            return false;
        }
        chunks.get(p).add(chunk.getText());
        if (chunk.getLast()) {
            complete[p] = true;
            completeCount++;
        }
        return true;
    }

    boolean complete() {
        return completeCount == complete.length;
    }

    /**
     * Writes every vertex's line in ascending vertex id, as the single-process engine does:
     * each partition's lines are already ascending, so a k-way merge over the partitions by
     * the id that starts each line. Returns the bytes written.
     *
     * @param existing whether an existing regular file at {@code output} may be replaced (--overwrite)
     */
    long writeTo(Path output, Existing existing) throws IOException {
        java.util.PriorityQueue<LineCursor> heads = new java.util.PriorityQueue<>(
                Math.max(1, chunks.size()), java.util.Comparator.comparingLong(LineCursor::id));
        for (List<ByteString> partition : chunks) {
            LineCursor cursor = new LineCursor(partition);
            if (cursor.advance()) {
                heads.add(cursor);
            }
        }
        long bytes = 0;
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 16);
        try (AtomicFile file = AtomicFile.create(output, existing)) {
            while (!heads.isEmpty()) {
                LineCursor c = heads.poll();
                if (buffer.remaining() < c.length()) {
                    buffer.flip();
                    file.write(buffer);
                    buffer.clear();
                }
                if (c.length() > buffer.capacity()) {
                    file.write(c.line());
                } else {
                    buffer.put(c.line());
                }
                bytes += c.length();
                if (c.advance()) {
                    heads.add(c);
                }
            }
            buffer.flip();
            file.write(buffer);
            file.commit();
        }
        return bytes;
    }

    /** Walks one partition's chunks line by line; each line starts with its vertex id. */
    private static final class LineCursor {
        private final java.util.Iterator<ByteString> chunks;
        private ByteString chunk = ByteString.EMPTY;
        private int pos;
        private int start;
        private int end;
        private long id;

        LineCursor(List<ByteString> chunks) {
            this.chunks = chunks.iterator();
        }

        /** Moves to the next line; false at the end of the partition. */
        boolean advance() {
            while (pos >= chunk.size()) {
                if (!chunks.hasNext()) {
                    return false;
                }
                chunk = chunks.next();
                pos = 0;
            }
            start = pos;
            long value = 0;
            int i = pos;
            byte b;
            while ((b = chunk.byteAt(i)) >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                i++;
            }
            id = value;
            while (chunk.byteAt(i) != '\n') {
                i++;
            }
            end = i + 1;
            pos = end;
            return true;
        }

        long id() {
            return id;
        }

        int length() {
            return end - start;
        }

        java.nio.ByteBuffer line() {
            return chunk.substring(start, end).asReadOnlyByteBuffer();
        }
    }
}
