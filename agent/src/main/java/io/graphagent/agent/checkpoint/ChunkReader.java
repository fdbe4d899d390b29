package io.graphagent.agent.checkpoint;

import com.google.protobuf.ByteString;
import io.graphagent.protocol.v1.CheckpointChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one partition's checkpoint file as {@link CheckpointChunk}s of at most
 * {@link #CHUNK_BYTES} bytes, the last one carrying the CRC-32C of the whole file. A file is
 * never changed once renamed into place, so its size at opening is its size. Not thread-safe.
 */
public final class ChunkReader implements AutoCloseable {
    /**
     * Data per chunk: 1 MiB keeps every message far below {@code grpc.max-message-size}
     * (at least 1 MiB plus framing is refused by config check only below 1 MiB) and lets
     * HTTP/2 flow control hold the sender back chunk by chunk.
     */
    public static final int CHUNK_BYTES = 1 << 20;

    private final FileChannel channel;
    private final CheckpointChunk header;
    private final long size;
    private final int chunkBytes;
    private final CRC32C crc = new CRC32C();
    private long offset;
    private boolean done;

    /**
     * @param header job, epoch, superstep and partition id to stamp on every chunk
     * @param chunkBytes data per chunk, at most {@link #CHUNK_BYTES} in production
     */
    public ChunkReader(Path file, CheckpointChunk header, int chunkBytes) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.header = header;
        this.size = channel.size();
        this.chunkBytes = chunkBytes;
    }

    public ChunkReader(Path file, CheckpointChunk header) throws IOException {
        this(file, header, CHUNK_BYTES);
    }

    public boolean hasNext() {
        return !done;
    }

    /** The next chunk; the last one has {@code last} set and the file's CRC-32C. */
    public CheckpointChunk next() throws IOException {
        if (done) {
            throw new IllegalStateException("no chunk left");
        }
        int n = (int) Math.min(chunkBytes, size - offset);
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("checkpoint file shrank while read: " + n + " bytes expected at " + offset);
            }
        }
        buffer.flip();
        crc.update(buffer.duplicate());
        CheckpointChunk.Builder chunk = header.toBuilder().setOffset(offset).setData(ByteString.copyFrom(buffer));
        offset += n;
        if (offset == size) {
            done = true;
            chunk.setLast(true).setCrc32C((int) crc.getValue());
        }
        return chunk.build();
    }

    /** Bytes of the file. */
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
