package io.graphagent.graph.load;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Reads a vertex file (one id per line; further columns ignored) into the ascending array
 * of its ids, parsing chunks in parallel. Rejects an empty file, a repeated id (naming both
 * lines) and more vertices than one graph can number with ints. Stateless.
 */
final class VertexFile {
    private VertexFile() { }

    /** @return the distinct ids, ascending */
    static long[] read(FileChunks chunks, int threads, int maxVertices, LongConsumer parsedBytes)
            throws GraphInputException, IOException {
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
        });
        long total = 0;
        for (int n : counts) {
            total += n;
        }
        if (total == 0) {
            throw new GraphInputException(chunks.file(), 0, "no vertices in the vertex file",
                    "list one vertex id per line, or load the edges as a plain edge list");
        }
        if (total > maxVertices) {
            throw tooManyVertices(chunks, String.valueOf(total), maxVertices);
        }
        long[] ids = new long[(int) total];
        int at = 0;
        for (int chunk = 0; chunk < parts.length; chunk++) {
            System.arraycopy(parts[chunk], 0, ids, at, counts[chunk]);
            at += counts[chunk];
            parts[chunk] = null;
        }
        if (!strictlyAscending(ids)) {
            Arrays.sort(ids);
            for (int i = 1; i < ids.length; i++) {
                if (ids[i] == ids[i - 1]) {
                    throw duplicate(chunks, ids[i]);
                }
            }
        }
        return ids;
    }

    /** @param count how many vertices there are, as far as known, e.g. "3000000000" or "over 2147483639" */
    static GraphInputException tooManyVertices(FileChunks chunks, String count, int maxVertices) {
        return new GraphInputException(chunks.file(), 0, "the graph has " + count + " vertices, more than the "
                + maxVertices + " one graph can hold (dense ids are Java ints)",
                "split the graph into partitions of at most " + maxVertices + " vertices");
    }

    private static boolean strictlyAscending(long[] ids) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Finds the first two lines that hold {@code id}: a second, sequential pass, on the error path only. */
    private static GraphInputException duplicate(FileChunks chunks, long id) throws GraphInputException, IOException {
        long firstLine = 0;
        ChunkParser in = new ChunkParser(chunks.file());
        byte[] buffer = null;
        for (int chunk = 0; chunk < chunks.count(); chunk++) {
            buffer = chunks.read(chunk, buffer);
            in.reset(buffer, chunks.textStart(chunk, buffer), chunks.length(chunk));
            while (in.nextRecord()) {
                if (in.readId("vertex id") == id) {
                    long line = chunks.fileLine(chunk, in.line());
                    if (firstLine != 0) {
                        return new GraphInputException(chunks.file(), line, "vertex id " + id
                                + " appears twice, on lines " + firstLine + " and " + line,
                                "list each vertex once");
                    }
                    firstLine = line;
                }
                in.skipLine();
            }
        }
        throw new IllegalStateException("duplicate id " + id + " not found again in " + chunks.file());
    }
}
