package io.graphagent.agent.checkpoint;

import io.graphagent.protocol.v1.CheckpointChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * Writes checkpoint files received as {@link CheckpointChunk}s, one file after the other:
 * each to a temporary file, renamed into place ({@code part-P.ckpt}) only after its last
 * chunk, once fsynced and its CRC-32C matched. A stream that ends early (a torn copy), a gap
 * or a checksum mismatch leaves no file behind; a good file already in place is replaced
 * only by another good one. Not thread-safe: one stream's chunks, in order.
 */
public final class ChunkWriter implements AutoCloseable {
    private final Function<CheckpointChunk, Path> dirOf;
    private final String tag;
    private final List<Integer> stored = new ArrayList<>();
    private FileChannel channel;
    private Path temp;
    private Path target;
    private int partition = -1;
    private long written;
    private long bytes;
    private final CRC32C crc = new CRC32C();

    /**
     * @param dirOf the directory a chunk's file goes to (created when missing)
     * @param tag distinguishes this writer's temporary files from others' in the same directory
     */
    public ChunkWriter(Function<CheckpointChunk, Path> dirOf, String tag) {
        this.dirOf = dirOf;
        this.tag = tag;
    }

    /** Writes one chunk; after a file's last chunk the file is in place. */
    public void accept(CheckpointChunk chunk) throws IOException {
        if (channel == null) {
            if (chunk.getOffset() != 0) {
                throw new CorruptCopyException("partition " + chunk.getPartitionId() + ": first chunk at offset "
                        + chunk.getOffset() + ", not 0 (chunks lost)");
            }
            Path dir = dirOf.apply(chunk);
            Files.createDirectories(dir);
            partition = chunk.getPartitionId();
            target = CheckpointFile.of(dir, partition);
            temp = dir.resolve(target.getFileName() + ".tmp-" + tag);
            channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            written = 0;
            crc.reset();
        } else if (chunk.getPartitionId() != partition || chunk.getOffset() != written) {
            throw new CorruptCopyException("partition " + partition + ": chunk of partition " + chunk.getPartitionId()
                    + " at offset " + chunk.getOffset() + " where offset " + written + " was due (chunks lost or reordered)");
        }
        ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
        crc.update(data.duplicate());
        while (data.hasRemaining()) {
            channel.write(data);
        }
        written += chunk.getData().size();
        if (chunk.getLast()) {
            int actual = (int) crc.getValue();
            if (actual != chunk.getCrc32C()) {
                throw new CorruptCopyException(String.format("partition %d: CRC-32C of the %d bytes received is %08x,"
                        + " the sender's is %08x (corrupted in transit or on disk)", partition, written, actual,
                        chunk.getCrc32C()));
            }
            channel.force(true);
            channel.close();
            channel = null;
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            stored.add(partition);
            bytes += written;
            temp = null;
        }
    }

    /** True when no file is half received. */
    public boolean betweenFiles() {
        return channel == null;
    }

    /** The partition whose file is half received, or -1. */
    public int pending() {
        return channel == null ? -1 : partition;
    }

    /** Partitions whose files are in place, in order. */
    public List<Integer> stored() {
        return List.copyOf(stored);
    }

    /** Bytes of the files in place. */
    public long bytes() {
        return bytes;
    }

    /** Drops a half-received file (a torn copy): closes and deletes its temporary. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Deleting it below is what matters.
            }
            channel = null;
        }
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // A stray temporary is never read: only part-P.ckpt is.
            }
            temp = null;
        }
    }

    /** A copy that must not be used: a gap in its chunks, or a checksum that does not match. */
    public static final class CorruptCopyException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptCopyException(String message) {
            super(message);
        }
    }
}
