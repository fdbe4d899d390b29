package io.graphagent.graph.generate;

import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.output.Existing;
import io.graphagent.graph.output.Ascii;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Graph500 Kronecker (R-MAT) generator: 2^scale vertices and edgeFactor * 2^scale
 * directed edges, each placed by descending {@code scale} levels of the 2x2 initiator
 * matrix [[A, B], [C, D]] = [[0.57, 0.19], [0.19, 0.05]] (Graph500 specification, section
 * 3.4; Chakrabarti, Zhan and Faloutsos, "R-MAT", SDM 2004). Vertex ids are then permuted by
 * a seeded shuffle so that degree does not follow the id, and written as the dense ids
 * {@code 0 .. 2^scale - 1} (so the single-threaded baseline in ../shared/bench reads the
 * same files).
 *
 * <p>As in Graph500, duplicate edges and self-loops are kept: the edge file holds exactly
 * edgeFactor * 2^scale lines. Vertices that no edge touches are still listed in the vertex
 * file. Edges are not shuffled (Graph500 shuffles them; a loader does not care).
 *
 * <p>Optional weights are uniform in (0, 1], drawn as k / 10^9 for k uniform in
 * [1, 10^9] and printed with nine decimals, so the printed text parses back to exactly
 * the double that was drawn.
 *
 * <p>Deterministic for a seed whatever the thread count: the edge range is cut into
 * blocks of {@value #BLOCK_EDGES} edges, block b draws from its own
 * {@code SplittableRandom} seeded from (seed, b), blocks are generated in parallel and
 * written in order. The same seed always gives the same bytes.
 */
public final class RmatGenerator {
    /** Edges per block; part of the output's definition: changing it changes every graph. */
    public static final int BLOCK_EDGES = 1 << 16;
    /** Largest supported scale: vertex ids must stay below 2^31 to be dense ints. */
    public static final int MAX_SCALE = 30;
    static final double A = 0.57;
    static final double B = 0.19;
    static final double C = 0.19;
    private static final long WEIGHT_STEPS = 1_000_000_000L;
    /** Quadrant thresholds as 32-bit fractions: one 64-bit draw decides two levels. */
    private static final long T_A = (long) (A * 0x1p32);
    private static final long T_AB = (long) ((A + B) * 0x1p32);
    private static final long T_ABC = (long) ((A + B + C) * 0x1p32);

    private RmatGenerator() {
    }

    /**
     * What to generate.
     *
     * @param scale log2 of the number of vertices, 1 .. {@value #MAX_SCALE}
     * @param edgeFactor edges per vertex (Graph500 uses 16)
     * @param seed any value; equal seeds give equal graphs
     * @param weighted whether each edge gets a third column, a weight in (0, 1]
     */
    public record Parameters(int scale, int edgeFactor, long seed, boolean weighted) {
        public Parameters {
            if (scale < 1 || scale > MAX_SCALE) {
                throw new IllegalArgumentException("scale must be between 1 and " + MAX_SCALE + ", got " + scale);
            }
            if (edgeFactor < 1) {
                throw new IllegalArgumentException("edge factor must be at least 1, got " + edgeFactor);
            }
        }

        public long vertices() { return 1L << scale; }

        public long edges() { return (long) edgeFactor << scale; }
    }

    /** What was written. */
    public record Generated(Path vertexFile, Path edgeFile, long vertices, long edges) {
    }

    /** Told as edges are written, from the calling thread. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void edgesWritten(long done, long total);
    }

    /**
     * Writes {@code PREFIX.v} and {@code PREFIX.e}, each atomically.
     *
     * @param threads generator threads; the output does not depend on it
     * @throws io.graphagent.graph.output.OutputException when the prefix's directory is missing or not writable
     */
    public static Generated generate(Parameters p, Path prefix, int threads, Progress progress) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Path vertexFile = sibling(prefix, ".v");
        Path edgeFile = sibling(prefix, ".e");
        AtomicFile.checkWritable(vertexFile, Existing.REPLACE);
        int[] perm = permutation(p.scale(), p.seed());
        try (AtomicFile e = AtomicFile.create(edgeFile, Existing.REPLACE);
                AtomicFile v = AtomicFile.create(vertexFile, Existing.REPLACE)) {
            writeEdges(p, perm, e, threads, progress);
            writeVertices(p.vertices(), v);
            e.commit();
            v.commit();
        }
        return new Generated(vertexFile, edgeFile, p.vertices(), p.edges());
    }

    /** A Fisher-Yates shuffle of 0..2^scale-1 from the seed: vertex i of the Kronecker product becomes perm[i]. */
    static int[] permutation(int scale, long seed) {
        int n = 1 << scale;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(mix(seed, -1));
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    private static void writeEdges(Parameters p, int[] perm, AtomicFile out, int threads, Progress progress) throws IOException {
        long edges = p.edges();
        long blocks = (edges + BLOCK_EDGES - 1) / BLOCK_EDGES;
        // Enough blocks in flight to keep every thread busy while the caller writes, few enough to bound memory.
        int window = 2 * threads + 1;
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "rmat-generator-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            ArrayDeque<Future<ByteBuffer>> inFlight = new ArrayDeque<>();
            long next = 0;
            long written = 0;
            while (next < blocks || !inFlight.isEmpty()) {
                while (next < blocks && inFlight.size() < window) {
                    long block = next++;
                    inFlight.add(pool.submit(() -> block(p, perm, block)));
                }
                out.write(await(inFlight.removeFirst()));
                written = Math.min(edges, written + BLOCK_EDGES);
                progress.edgesWritten(written, edges);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Generates block {@code b} as text lines; depends only on the parameters and b. */
    static ByteBuffer block(Parameters p, int[] perm, long b) {
        long first = b * BLOCK_EDGES;
        int count = (int) Math.min(BLOCK_EDGES, p.edges() - first);
        int idDigits = Ascii.digits((1L << p.scale()) - 1);
        int lineBytes = 2 * idDigits + 2 + (p.weighted() ? 12 : 0);
        byte[] buf = new byte[count * lineBytes];
        SplittableRandom rnd = new SplittableRandom(mix(p.seed(), b));
        int scale = p.scale();
        int pos = 0;
        for (int k = 0; k < count; k++) {
            int src = 0;
            int dst = 0;
            for (int level = 0; level < scale; level += 2) {
                long bits = rnd.nextLong();
                src |= srcBit(bits >>> 32) << level;
                dst |= dstBit(bits >>> 32) << level;
                if (level + 1 < scale) {
                    src |= srcBit(bits & 0xFFFF_FFFFL) << (level + 1);
                    dst |= dstBit(bits & 0xFFFF_FFFFL) << (level + 1);
                }
            }
            pos = Ascii.putLong(buf, pos, perm[src]);
            buf[pos++] = ' ';
            pos = Ascii.putLong(buf, pos, perm[dst]);
            if (p.weighted()) {
                long w = 1 + rnd.nextLong(WEIGHT_STEPS);
                buf[pos++] = ' ';
                if (w == WEIGHT_STEPS) {
                    buf[pos++] = '1';
                    buf[pos++] = '.';
                    pos = Ascii.putPadded(buf, pos, 0, 9);
                } else {
                    buf[pos++] = '0';
                    buf[pos++] = '.';
                    pos = Ascii.putPadded(buf, pos, w, 9);
                }
            }
            buf[pos++] = '\n';
        }
        return ByteBuffer.wrap(buf, 0, pos);
    }

    /**
     * Row bit of one level for a 32-bit uniform draw {@code r}: set in quadrants C and D
     * ({@code r >= A + B}). Branch-free: the quadrant is random, so branches would mispredict.
     */
    private static int srcBit(long r) {
        return (int) ((T_AB - 1 - r) >>> 63);
    }

    /** Column bit of one level: set in quadrants B ({@code A <= r < A + B}) and D ({@code r >= A + B + C}). */
    private static int dstBit(long r) {
        return (int) (((T_A - 1 - r) >>> 63) ^ ((T_AB - 1 - r) >>> 63) ^ ((T_ABC - 1 - r) >>> 63));
    }

    private static void writeVertices(long n, AtomicFile out) throws IOException {
        byte[] buf = new byte[1 << 16];
        int pos = 0;
        for (long v = 0; v < n; v++) {
            if (pos > buf.length - 24) {
                out.write(buf, pos);
                pos = 0;
            }
            pos = Ascii.putLong(buf, pos, v);
            buf[pos++] = '\n';
        }
        out.write(buf, pos);
    }

    /** A well-mixed 64-bit seed for stream {@code stream} of a graph seed (Stafford's mix 13), so nearby seeds and blocks share no sequence. */
    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + (stream + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    private static ByteBuffer await(Future<ByteBuffer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while generating edges");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }
}
