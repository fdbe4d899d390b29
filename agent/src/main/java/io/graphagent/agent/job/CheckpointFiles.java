package io.graphagent.agent.job;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A partition's checkpoint file, {@code part-P.ckpt} in the checkpoint's directory: written
 * to a temporary file, fsynced and renamed, so a reader sees a whole file or none; a torn
 * write never replaces a good file. The coordinator uses a checkpoint only once every
 * partition reported its file written.
 */
final class CheckpointFiles {
    private static final int BUFFER = 1 << 16;

    private CheckpointFiles() {
    }

    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    @FunctionalInterface
    interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    static Path file(Path dir, int partition) {
        return io.graphagent.agent.checkpoint.CheckpointFile.of(dir, partition);
    }

    /** Writes partition {@code partition}'s file atomically; returns its size in bytes. */
    static long write(Path dir, int partition, String writer, Writer body) throws IOException {
        Path target = file(dir, partition);
        Path temp = dir.resolve(target.getFileName() + ".tmp-" + writer);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = Channels.newOutputStream(channel);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, BUFFER));
            body.write(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Files.size(target);
    }

    static void read(Path dir, int partition, Reader body) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(dir, partition)), BUFFER))) {
            body.read(in);
        }
    }
}
