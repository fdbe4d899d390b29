package io.graphagent.graph.load;

import java.io.IOException;
import java.util.Arrays;

/**
 * The vertex set of a plain edge list: every id that appears in an edge, ascending.
 *
 * <p>When the largest id is small next to the number of edges (SNAP graphs, generated
 * graphs), ids are marked in a bitmap over {@code 0..max}: one pass, no sort. Otherwise each
 * chunk's ids are sorted and deduplicated in parallel and the sorted runs merged. Stateless.
 */
final class EdgeListIds {
    private EdgeListIds() { }

    /**
     * @param chunks edge chunks still holding original ids
     * @return distinct ids, ascending
     * @throws GraphInputException when there are more than {@code maxVertices} distinct ids
     */
    static long[] collect(EdgeChunk[] chunks, int threads, int maxVertices, FileChunks file)
            throws GraphInputException, IOException {
        long edges = 0;
        long max = -1;
        for (EdgeChunk chunk : chunks) {
            edges += chunk.count;
            max = Math.max(max, chunk.maxId);
        }
        long bitmapWords = (max >>> 6) + 1;
        // A bitmap of at most one word per edge endpoint costs no more than the ids themselves.
        return bitmapWords <= Math.max(2 * edges, 1 << 16) && bitmapWords <= Integer.MAX_VALUE - 8
                ? fromBitmap(chunks, (int) bitmapWords, maxVertices, file)
                : fromSortedRuns(chunks, threads, maxVertices, file);
    }

    private static long[] fromBitmap(EdgeChunk[] chunks, int words, int maxVertices, FileChunks file)
            throws GraphInputException {
        long[] bits = new long[words];
        for (EdgeChunk chunk : chunks) {
            long[] s = chunk.rawSources;
            long[] t = chunk.rawTargets;
            for (int i = 0; i < chunk.count; i++) {
                bits[(int) (s[i] >>> 6)] |= 1L << s[i];
                bits[(int) (t[i] >>> 6)] |= 1L << t[i];
            }
        }
        long n = 0;
        for (long word : bits) {
            n += Long.bitCount(word);
        }
        if (n > maxVertices) {
            throw VertexFile.tooManyVertices(file, String.valueOf(n), maxVertices);
        }
        long[] ids = new long[(int) n];
        int at = 0;
        for (int w = 0; w < words; w++) {
            long word = bits[w];
            while (word != 0) {
                ids[at++] = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return ids;
    }

    private static long[] fromSortedRuns(EdgeChunk[] chunks, int threads, int maxVertices, FileChunks file)
            throws GraphInputException, IOException {
        long[][] runs = new long[chunks.length][];
        ParallelJobs.run(chunks.length, threads, "graph-load-ids", () -> c -> {
            EdgeChunk chunk = chunks[c];
            long[] ids = new long[2 * chunk.count];
            System.arraycopy(chunk.rawSources, 0, ids, 0, chunk.count);
            System.arraycopy(chunk.rawTargets, 0, ids, chunk.count, chunk.count);
            Arrays.sort(ids);
            runs[c] = Arrays.copyOf(ids, distinctPrefix(ids));
            return true;
        });
        long[] merged = new long[0];
        for (long[] run : runs) {
            if (merged.length + (long) run.length > Integer.MAX_VALUE - 8) {
                throw VertexFile.tooManyVertices(file, "at least " + Math.max(merged.length, run.length), maxVertices);
            }
            merged = mergeDistinct(merged, run);
            if (merged.length > maxVertices) {
                throw VertexFile.tooManyVertices(file, "at least " + merged.length, maxVertices);
            }
        }
        return merged;
    }

    /** Moves the distinct values of a sorted array to its front; returns how many there are. */
    private static int distinctPrefix(long[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n;
    }

    private static long[] mergeDistinct(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            long next = a[i] <= b[j] ? a[i] : b[j];
            if (a[i] == next) {
                i++;
            }
            if (j < b.length && b[j] == next) {
                j++;
            }
            out[n++] = next;
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
