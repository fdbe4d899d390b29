package io.graphagent.coordinator.store;

import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.output.Existing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * One record of the state directory as a file: a 16-byte header (magic {@code GAST}, format
 * version, payload length, CRC-32C of the payload, big-endian) and the payload (a protobuf
 * message of {@code store.proto}). Written whole or not at all ({@link AtomicFile}: temporary
 * file, fsync, rename, directory fsync). Read back only when the header, the length and the
 * checksum all agree: protobuf alone would parse a truncated file into a plausible, wrong
 * record. Stateless; thread-safe.
 */
final class StoreFile {
    /** "GAST": graphagent state. */
    static final int MAGIC = 0x47415354;
    /**
     * Raised only for a change an older coordinator would misread; adding protobuf fields
     * does not need it (older readers skip unknown fields).
     */
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 16;
    /** Far above any record (a job is a few hundred bytes); a larger length means a corrupt header. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private StoreFile() {
    }

    /** Replaces {@code file} with {@code payload}, durably. */
    static void write(Path file, byte[] payload) throws StateDirException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN)
                .putInt(MAGIC).putInt(FORMAT_VERSION).putInt(payload.length).putInt(crc(payload));
        header.flip();
        try (AtomicFile out = AtomicFile.create(file, Existing.REPLACE)) {
            out.write(header);
            out.write(ByteBuffer.wrap(payload));
            out.commit();
        } catch (IOException e) {
            throw new StateDirException(file, "cannot be written (" + e.getMessage() + ")",
                    "make " + file.getParent() + " writable and give it free space (coordinator.state-dir)", e);
        }
    }

    /**
     * The record files ending in {@code suffix} in {@code dir}, after deleting the temporaries
     * ({@code .NAME.tmp}) that a write interrupted by a crash left.
     *
     * @throws StateDirException when the directory cannot be listed or a temporary deleted
     */
    static List<Path> records(Path dir, String suffix) throws StateDirException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(suffix)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new StateDirException(dir, "cannot be listed (" + e.getMessage() + ")",
                    "make it readable by the coordinator's user", e);
        }
        return files;
    }

    /**
     * The payload of {@code file}.
     *
     * @throws StateDirException when the file is unreadable, torn, corrupt or of a newer format
     */
    static byte[] read(Path file) throws StateDirException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StateDirException(file, "vanished while the coordinator read it",
                    "make sure only one coordinator uses this state directory (coordinator.state-dir)", e);
        } catch (IOException e) {
            throw new StateDirException(file, "cannot be read (" + e.getMessage() + ")",
                    "make it readable by the coordinator's user", e);
        }
        String setAside = "move it out of " + file.getParent() + " (what it held is then forgotten: " + whatIsLost(file)
                + ") or put back a good copy from a backup, then start the coordinator again";
        if (bytes.length < HEADER_BYTES) {
            throw new StateDirException(file, "is torn: " + bytes.length + " bytes, shorter than its " + HEADER_BYTES
                    + "-byte header", setAside);
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        int magic = header.getInt();
        int version = header.getInt();
        int length = header.getInt();
        int crc = header.getInt();
        if (magic != MAGIC) {
            throw new StateDirException(file, "is not a graphagent state file (it does not start with GAST)", setAside);
        }
        if (length < 0 || length > MAX_PAYLOAD || HEADER_BYTES + length > bytes.length) {
            throw new StateDirException(file, "is torn or corrupt: its header announces " + length + " bytes of record but "
                    + (bytes.length - HEADER_BYTES) + " follow", setAside);
        }
        if (HEADER_BYTES + length < bytes.length) {
            throw new StateDirException(file, "is corrupt: " + (bytes.length - HEADER_BYTES - length)
                    + " bytes follow the record its header announces", setAside);
        }
        if (version > FORMAT_VERSION || version < 1) {
            throw new StateDirException(file, "has format version " + version + "; this coordinator reads up to "
                    + FORMAT_VERSION, version > FORMAT_VERSION
                    ? "run the graphagent version that wrote it (or a newer one)" : setAside);
        }
        byte[] payload = java.util.Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length);
        if (crc(payload) != crc) {
            throw new StateDirException(file, "is corrupt: its checksum does not match its contents", setAside);
        }
        return payload;
    }

    private static String whatIsLost(Path file) {
        if (file.getFileName().toString().endsWith(GraphStore.SUFFIX)) {
            return "the resident graph is forgotten and its agents drop it; load it again";
        }
        return file.getFileName().toString().endsWith(JobStore.SUFFIX) ? "the job is no longer shown or resumed;"
                + " submit it again if it had not finished"
                : "the highest session epoch handed out and the known agent ids; session epochs then start again from 1,"
                + " so stop every agent first and start them again after the coordinator";
    }

    private static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }
}
