package io.graphagent.graph.load;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * A text file cut into byte ranges of about {@code chunkBytes} that each end just after a
 * newline (or at the end of the file), so that threads can parse them independently; files
 * of any size, read with positional reads into each thread's own buffer.
 *
 * <p>Also keeps each chunk's newline count, so a line number within a chunk becomes a line
 * of the file. {@link #read} is thread-safe; {@link #fileLine} is valid after
 * {@link #parseAll} has returned.
 */
final class FileChunks implements Closeable {
    /** A line longer than this cannot be held in one Java array. */
    static final int MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;
    private static final int SCAN_BYTES = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    /** starts[i]..starts[i+1] is chunk i; length count + 1. */
    private final long[] starts;
    private final long[] newlines;
    /** Lines before the first chunk (a range that does not start the file), counted when an error needs them; -1 until then. */
    private long linesBefore;

    private FileChunks(Path file, FileChannel channel, long size, long[] starts) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.starts = starts;
        this.newlines = new long[starts.length - 1];
        this.linesBefore = starts[0] == 0 ? 0 : -1;
    }

    /**
     * Opens a file and finds its chunk boundaries.
     *
     * @param missingFix the fix to suggest when the file does not exist
     * @throws GraphInputException when the file is missing, not a regular file, or unreadable
     */
    static FileChunks open(Path file, int chunkBytes, String missingFix) throws GraphInputException, IOException {
        return open(file, chunkBytes, missingFix, 0, Long.MAX_VALUE);
    }

    /**
     * Opens the lines of a file that start in bytes {@code [from, to)} (a split: the ranges
     * of a file's splits hold each line once) and finds their chunk boundaries.
     */
    static FileChunks open(Path file, int chunkBytes, String missingFix, long from, long to)
            throws GraphInputException, IOException {
        if (chunkBytes < 1 || from < 0 || to < from) {
            throw new IllegalArgumentException("chunkBytes < 1: " + chunkBytes);
        }
        if (Files.isDirectory(file)) {
            throw new GraphInputException(file, 0, "is a directory, not a file", "give the path of the graph file itself");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new GraphInputException(file, 0, "file not found", missingFix);
        } catch (AccessDeniedException e) {
            throw new GraphInputException(file, 0, "permission denied", "make the file readable by this user");
        }
        try {
            long size = channel.size();
            ByteBuffer scan = ByteBuffer.allocate(SCAN_BYTES);
            long first = lineStart(channel, size, Math.min(from, size), scan);
            long last = lineStart(channel, size, Math.min(to, size), scan);
            return new FileChunks(file, channel, size, boundaries(channel, first, Math.max(first, last), chunkBytes, file));
        } catch (IOException | GraphInputException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The start of the first line starting at or after {@code position}. */
    private static long lineStart(FileChannel channel, long size, long position, ByteBuffer scan) throws IOException {
        return position == 0 ? 0 : afterNewline(channel, size, position - 1, scan);
    }

    /** Chunk boundaries of bytes {@code [from, size)}, each chunk ending after a newline. */
    private static long[] boundaries(FileChannel channel, long from, long size, int chunkBytes, Path file)
            throws IOException, GraphInputException {
        long[] starts = new long[(int) Math.min((size - from) / chunkBytes + 2, Integer.MAX_VALUE - 8)];
        int count = 0;
        starts[count++] = from;
        ByteBuffer scan = ByteBuffer.allocate(SCAN_BYTES);
        long previous = from;
        while (previous < size) {
            long next = Math.min(size, afterNewline(channel, size, previous + chunkBytes - 1, scan));
            if (next - previous > MAX_CHUNK_BYTES) {
                throw new GraphInputException(file, 0, "a line near byte " + previous + " is longer than "
                        + MAX_CHUNK_BYTES + " bytes", "is this a text graph file? put one record per line");
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[count++] = next;
            previous = next;
        }
        return Arrays.copyOf(starts, count);
    }

    /** The position just after the first newline at or after {@code from}, or the file size. */
    private static long afterNewline(FileChannel channel, long size, long from, ByteBuffer scan) throws IOException {
        long position = from;
        while (position < size) {
            scan.clear();
            int read = channel.read(scan, position);
            if (read <= 0) {
                return size;
            }
            byte[] bytes = scan.array();
            for (int i = 0; i < read; i++) {
                if (bytes[i] == '\n') {
                    return position + i + 1;
                }
            }
            position += read;
        }
        return size;
    }

    Path file() { return file; }

    /** Bytes of the opened range. */
    long size() { return starts[starts.length - 1] - starts[0]; }

    int count() { return starts.length - 1; }

    int length(int chunk) { return (int) (starts[chunk + 1] - starts[chunk]); }

    /** Reads a chunk into {@code buffer} when it fits, else into a new array; returns the array used. */
    byte[] read(int chunk, byte[] buffer) throws IOException {
        int length = length(chunk);
        byte[] target = buffer != null && buffer.length >= length ? buffer : new byte[length];
        ByteBuffer into = ByteBuffer.wrap(target, 0, length);
        long position = starts[chunk];
        while (into.hasRemaining()) {
            int read = channel.read(into, position + into.position());
            if (read < 0) {
                throw new IOException(file + " shrank while being read");
            }
        }
        return target;
    }

    /** Where the text of a chunk read into {@code buffer} starts: after a UTF-8 byte order mark, if any. */
    int textStart(int chunk, byte[] buffer) {
        boolean byteOrderMark = starts[chunk] == 0 && length(chunk) >= 3
                && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF;
        return byteOrderMark ? 3 : 0;
    }

    /** Parses the records of one chunk; called on a loader thread with that thread's parser. */
    @FunctionalInterface
    interface ChunkTask {
        void parse(int chunk, ChunkParser in) throws GraphInputException;
    }

    /**
     * Parses every chunk on {@code threads} threads, each with its own buffer and parser.
     *
     * @param parsedBytes told the size of each chunk once parsed; called from the loader threads
     * @throws GraphInputException the first error in file order, at its file line
     */
    void parseAll(int threads, String threadName, LongConsumer parsedBytes, ChunkTask task)
            throws GraphInputException, IOException {
        GraphInputException[] errors = new GraphInputException[count()];
        ParallelJobs.run(count(), threads, threadName, () -> new ParallelJobs.Job() {
            private final ChunkParser in = new ChunkParser(file);
            private byte[] buffer;

            @Override
            public boolean run(int chunk) throws IOException {
                buffer = read(chunk, buffer);
                int length = length(chunk);
                in.reset(buffer, textStart(chunk, buffer), length);
                try {
                    task.parse(chunk, in);
                } catch (GraphInputException e) {
                    errors[chunk] = e;
                    return false;
                }
                newlines[chunk] = in.newlines();
                parsedBytes.accept(length);
                return true;
            }
        });
        for (int chunk = 0; chunk < errors.length; chunk++) {
            if (errors[chunk] != null) {
                throw atFileLine(chunk, errors[chunk]);
            }
        }
    }

    /** The file line of a 1-based line within a chunk; needs the newline counts of earlier chunks. */
    long fileLine(int chunk, long lineInChunk) throws IOException {
        long line = lineInChunk + linesBefore();
        for (int i = 0; i < chunk; i++) {
            line += newlines[i];
        }
        return line;
    }

    /** Newlines in the file before the opened range; read from the file the first time. */
    private long linesBefore() throws IOException {
        if (linesBefore < 0) {
            long count = 0;
            ByteBuffer scan = ByteBuffer.allocate(SCAN_BYTES);
            long position = 0;
            while (position < starts[0]) {
                scan.clear().limit((int) Math.min(SCAN_BYTES, starts[0] - position));
                int read = channel.read(scan, position);
                if (read <= 0) {
                    break;
                }
                byte[] bytes = scan.array();
                for (int i = 0; i < read; i++) {
                    if (bytes[i] == '\n') {
                        count++;
                    }
                }
                position += read;
            }
            linesBefore = count;
        }
        return linesBefore;
    }

    /** The same error, at its file line instead of its chunk line. */
    private GraphInputException atFileLine(int chunk, GraphInputException inChunk) throws IOException {
        return new GraphInputException(file, fileLine(chunk, inChunk.line()), inChunk.problem(), inChunk.fix());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
