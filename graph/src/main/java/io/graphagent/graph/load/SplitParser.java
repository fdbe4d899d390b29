package io.graphagent.graph.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Parses one split of an input file (the lines that start in a byte range) for a partitioned
 * load: each agent parses only its splits and ships the records to their owners. Errors name
 * the file and the file line, as the single-process loader's do. Stateless; each call uses
 * its own threads, joined before it returns.
 */
public final class SplitParser {
    private SplitParser() {
    }

    /**
     * Bytes per parsed chunk: smaller than the single-process loader's, since a chunk's edges are
     * held as longs until narrowed, and an agent's heap is sized for its share, not for buffers.
     */
    static final int CHUNK_BYTES = 2 << 20;

    private static final String MISSING_FIX = "check the path; every agent reads the input at the path the coordinator"
            + " gives (set job.input-transfer: stream when agents cannot see the coordinator's files)";

    /**
     * What each parsed chunk holds, told as soon as it is parsed (from the parse's threads):
     * the chunk's bytes of text and the bytes of the records kept from it. A caller projects
     * from them what the whole split will hold before the heap has to.
     */
    @FunctionalInterface
    public interface ChunkSizes {
        ChunkSizes NONE = (textBytes, heldBytes) -> { };

        void parsed(long textBytes, long heldBytes);
    }

    /** The vertex ids listed on the lines of the split, in file order. */
    public static long[] vertices(Path file, long from, long to, int threads, LongConsumer parsedBytes)
            throws GraphInputException, IOException {
        return vertices(file, from, to, threads, ChunkSizes.NONE, parsedBytes);
    }

    /** As {@link #vertices(Path, long, long, int, LongConsumer)}, telling {@code sizes} what each chunk holds. */
    public static long[] vertices(Path file, long from, long to, int threads, ChunkSizes sizes, LongConsumer parsedBytes)
            throws GraphInputException, IOException {
        try (FileChunks chunks = FileChunks.open(file, CHUNK_BYTES, MISSING_FIX, from, to)) {
            long[][] parts = new long[chunks.count()][];
            int[] counts = new int[chunks.count()];
            chunks.parseAll(threads, "graph-load-vertices", parsedBytes, (chunk, in) -> {
                long[] ids = new long[chunks.length(chunk) / 6 + 16];
                int n = 0;
                while (in.nextRecord()) {
                    if (n == ids.length) {
                        ids = Arrays.copyOf(ids, (int) Math.min(n + (n >> 1) + 16L, Integer.MAX_VALUE - 8));
                    }
                    ids[n++] = in.readId("vertex id");
                    in.skipLine();
                }
                parts[chunk] = ids;
                counts[chunk] = n;
                sizes.parsed(chunks.length(chunk), 8L * n);
            });
            long total = 0;
            for (int n : counts) {
                total += n;
            }
            long[] ids = new long[Math.toIntExact(total)];
            int at = 0;
            for (int chunk = 0; chunk < parts.length; chunk++) {
                System.arraycopy(parts[chunk], 0, ids, at, counts[chunk]);
                at += counts[chunk];
            }
            return ids;
        }
    }

    /** The edges on the lines of the split, one {@link EdgeRecords} per chunk, in file order. */
    public static List<EdgeRecords> edges(Path file, long from, long to, boolean weighted, int threads,
                                          LongConsumer parsedBytes) throws GraphInputException, IOException {
        return edges(file, from, to, weighted, threads, ChunkSizes.NONE, parsedBytes);
    }

    /** As {@link #edges(Path, long, long, boolean, int, LongConsumer)}, telling {@code sizes} what each chunk holds. */
    public static List<EdgeRecords> edges(Path file, long from, long to, boolean weighted, int threads, ChunkSizes sizes,
                                          LongConsumer parsedBytes) throws GraphInputException, IOException {
        try (FileChunks chunks = FileChunks.open(file, CHUNK_BYTES, MISSING_FIX, from, to)) {
            EdgeRecords[] records = new EdgeRecords[chunks.count()];
            chunks.parseAll(threads, "graph-load-edges", parsedBytes, (chunk, in) -> {
                records[chunk] = EdgeRecords.of(EdgeChunk.parse(in, null, null, weighted, chunks.length(chunk)));
                sizes.parsed(chunks.length(chunk), records[chunk].sizeInBytes());
            });
            return new ArrayList<>(Arrays.asList(records));
        }
    }
}
