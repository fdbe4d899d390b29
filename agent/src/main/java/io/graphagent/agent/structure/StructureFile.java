package io.graphagent.agent.structure;

import io.graphagent.agent.checkpoint.CheckpointFile;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import io.graphagent.graph.output.AtomicFile;
import io.graphagent.graph.output.Existing;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A partition's structure file, {@code part-P.ckpt} in a structure directory (the checkpoint
 * file name, so that peer copies travel as checkpoint files do). Little-endian:
 * <pre>
 *   magic "GASTRUCT" (8 bytes), version (int), partition (int), flags (int),
 *   edges of the graph (long), source dense id (int),
 *   id blocks: shift (int), offset (long), count (int),
 *   partitions P (int), first block of each partition and the block count (P+1 ints),
 *   first dense id of each partition and the vertex count (P+1 ints),
 *   [original ids: n longs]            when flags has OWNED_IDS
 *   out offsets (n+1 ints, from 0), [out targets (m ints)] [out weights (m doubles)],
 *   [in offsets (n+1 ints), in sources, [in weights]]  unless flags has IN_IS_OUT,
 *   CRC-32 of everything before it (long).
 * </pre>
 * Written to a temporary file, fsynced and renamed: a reader sees a whole file or none. A
 * file that is short, fails its checksum, or has another magic or version is refused with a
 * {@link StructureException} naming it. Stateless; thread-safe.
 */
public final class StructureFile {
    /** "GASTRUCT" in ASCII. */
    static final long MAGIC = 0x4741535452554354L;
    /** The format version written; a file of any other is refused. */
    public static final int VERSION = 1;

    static final int DIRECTED = 1;
    static final int WEIGHTED = 1 << 1;
    static final int OUT_TARGETS = 1 << 2;
    static final int OUT_WEIGHTS = 1 << 3;
    static final int IN_IS_OUT = 1 << 4;
    static final int IN_WEIGHTS = 1 << 5;
    static final int OWNED_IDS = 1 << 6;

    private static final int BUFFER = 1 << 20;
    private static final int CHUNK = 1 << 14;

    private StructureFile() {
    }

    /** The file of {@code partition} in {@code dir}. */
    public static Path of(Path dir, int partition) {
        return CheckpointFile.of(dir, partition);
    }

    /**
     * Writes partition {@code p} of {@code share} (which must own it) to its file in {@code dir}
     * atomically, its slots turned back into dense ids as the bytes go out: nothing the size of
     * the partition's edges is allocated (a copy of them made 8 MiB arrays per partition of
     * RMAT scale 20, humongous in G1, and a collection beside the superstep it ran with;
     * docs/performance.md). Returns the file's size in bytes.
     *
     * @param sourceDense the job kernel's source vertex, -1 for none
     */
    public static long write(Path dir, GraphShare share, int p, int sourceDense) throws IOException {
        Path target = of(dir, p);
        Partitioning partitioning = share.partitioning();
        int first = share.firstSlot(p);
        int n = partitioning.size(p);
        boolean inIsOut = share.inOffsets() == share.outOffsets();
        int[] globals = share.slotGlobals();
        try (AtomicFile file = AtomicFile.create(target, Existing.REPLACE)) {
            Out out = new Out(file);
            int flags = (share.directed() ? DIRECTED : 0) | (share.weighted() ? WEIGHTED : 0)
                    | (share.outTargets() != null ? OUT_TARGETS : 0) | (share.outWeights() != null ? OUT_WEIGHTS : 0)
                    | (inIsOut ? IN_IS_OUT : 0) | (!inIsOut && share.inWeights() != null ? IN_WEIGHTS : 0)
                    | (share.ownedIds() != null ? OWNED_IDS : 0);
            out.putLong(MAGIC);
            out.putInt(VERSION);
            out.putInt(p);
            out.putInt(flags);
            out.putLong(share.numEdges());
            out.putInt(sourceDense);
            IdBlocks blocks = partitioning.blocks();
            out.putInt(blocks.shift());
            out.putLong(blocks.offset());
            out.putInt(blocks.count());
            out.putInt(partitioning.count());
            out.putInts(partitioning.firstBlocks());
            out.putInts(partitioning.firstVertices());
            if (share.ownedIds() != null) {
                out.putLongs(share.ownedIds(), first, n);
            }
            out.putAdjacency(share.outOffsets(), first, n, share.outTargets(), share.outWeights(), globals);
            if (!inIsOut) {
                out.putAdjacency(share.inOffsets(), first, n, share.inSources(), share.inWeights(), globals);
            }
            out.finish();
            file.commit();
        }
        return Files.size(target);
    }

    /**
     * Reads the file of {@code partition} in {@code dir}.
     *
     * @throws StructureException when it is missing, torn, of another format or version, or of another partition
     */
    public static PartitionStructure read(Path dir, int partition) throws StructureException {
        Path file = of(dir, partition);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StructureException("structure file " + file + " is missing");
        } catch (IOException e) {
            throw new StructureException("cannot read structure file " + file + ": " + e, e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || in.getLong(0) != MAGIC) {
            throw new StructureException("structure file " + file + " is not a graphagent structure file (no GASTRUCT"
                    + " header)");
        }
        int version = in.getInt(8);
        if (version != VERSION) {
            throw new StructureException("structure file " + file + " is of format version " + version + ", this agent"
                    + " reads version " + VERSION + " only");
        }
        if (bytes.length < 24) {
            throw new StructureException("structure file " + file + " is torn: " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        if (in.getLong(bytes.length - Long.BYTES) != crc.getValue()) {
            throw new StructureException("structure file " + file + " is torn or damaged: its checksum does not match"
                    + " its " + bytes.length + " bytes");
        }
        try {
            in.position(12);
            in.limit(bytes.length - Long.BYTES);
            PartitionStructure s = parse(in);
            if (s.partition() != partition) {
                throw new StructureException("structure file " + file + " holds partition " + s.partition() + ", not "
                        + partition);
            }
            if (in.hasRemaining()) {
                throw new StructureException("structure file " + file + " has " + in.remaining() + " bytes past its"
                        + " partition's arrays");
            }
            return s;
        } catch (RuntimeException e) {
            throw new StructureException("structure file " + file + " is inconsistent: " + e.getMessage(), e);
        }
    }

    private static PartitionStructure parse(ByteBuffer in) {
        int partition = in.getInt();
        int flags = in.getInt();
        long numEdges = in.getLong();
        int sourceDense = in.getInt();
        IdBlocks blocks = new IdBlocks(in.getInt(), in.getLong(), in.getInt());
        int partitions = in.getInt();
        if (partitions < 1 || partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions);
        }
        int[] firstBlock = ints(in, partitions + 1);
        int[] firstVertex = ints(in, partitions + 1);
        Partitioning partitioning = new Partitioning(blocks, firstBlock, firstVertex);
        int n = partitioning.size(partition);
        long[] ids = (flags & OWNED_IDS) != 0 ? longs(in, n) : null;
        int[] outOffsets = offsets(in, n);
        int m = outOffsets[n];
        int[] outTargets = (flags & OUT_TARGETS) != 0 ? ints(in, m) : null;
        double[] outWeights = (flags & OUT_WEIGHTS) != 0 ? doubles(in, m) : null;
        int[] inOffsets = outOffsets;
        int[] inSources = outTargets;
        double[] inWeights = outWeights;
        if ((flags & IN_IS_OUT) == 0) {
            inOffsets = offsets(in, n);
            inSources = ints(in, inOffsets[n]);
            inWeights = (flags & IN_WEIGHTS) != 0 ? doubles(in, inOffsets[n]) : null;
        }
        return new PartitionStructure(partition, partitioning, (flags & DIRECTED) != 0, (flags & WEIGHTED) != 0, numEdges,
                sourceDense, ids, outOffsets, outTargets, outWeights, inOffsets, inSources, inWeights);
    }

    private static int[] offsets(ByteBuffer in, int n) {
        int[] offsets = ints(in, n + 1);
        if (offsets[0] != 0) {
            throw new IllegalArgumentException("edge offsets start at " + offsets[0]);
        }
        for (int i = 0; i < n; i++) {
            if (offsets[i + 1] < offsets[i]) {
                throw new IllegalArgumentException("edge offsets decrease at vertex " + i);
            }
        }
        return offsets;
    }

    private static int[] ints(ByteBuffer in, int count) {
        checkRemaining(in, count, Integer.BYTES);
        int[] a = new int[count];
        in.asIntBuffer().get(a);
        in.position(in.position() + count * Integer.BYTES);
        return a;
    }

    private static long[] longs(ByteBuffer in, int count) {
        checkRemaining(in, count, Long.BYTES);
        long[] a = new long[count];
        in.asLongBuffer().get(a);
        in.position(in.position() + count * Long.BYTES);
        return a;
    }

    private static double[] doubles(ByteBuffer in, int count) {
        checkRemaining(in, count, Double.BYTES);
        double[] a = new double[count];
        in.asDoubleBuffer().get(a);
        in.position(in.position() + count * Double.BYTES);
        return a;
    }

    private static void checkRemaining(ByteBuffer in, int count, int width) {
        if (count < 0 || (long) count * width > in.remaining()) {
            throw new IllegalArgumentException(count + " entries of " + width + " bytes, " + in.remaining() + " left");
        }
    }

    /** Buffered little-endian output to an atomic file with a running CRC-32. */
    private static final class Out {
        private final AtomicFile file;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32 crc = new CRC32();
        /** Ints converted before they are copied into {@link #buffer} in bulk. */
        private final int[] chunk = new int[CHUNK];

        Out(AtomicFile file) {
            this.file = file;
        }

        void putInt(int v) throws IOException {
            room(Integer.BYTES);
            buffer.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(Long.BYTES);
            buffer.putLong(v);
        }

        void putInts(int[] a) throws IOException {
            putInts(a, 0, a.length);
        }

        void putInts(int[] a, int from, int count) throws IOException {
            for (int i = from, end = from + count; i < end; ) {
                room(Integer.BYTES);
                int k = Math.min(end - i, buffer.remaining() / Integer.BYTES);
                buffer.asIntBuffer().put(a, i, k);
                buffer.position(buffer.position() + k * Integer.BYTES);
                i += k;
            }
        }

        void putLongs(long[] a, int from, int count) throws IOException {
            for (int i = from, end = from + count; i < end; ) {
                room(Long.BYTES);
                int k = Math.min(end - i, buffer.remaining() / Long.BYTES);
                buffer.asLongBuffer().put(a, i, k);
                buffer.position(buffer.position() + k * Long.BYTES);
                i += k;
            }
        }

        void putDoubles(double[] a, int from, int count) throws IOException {
            for (int i = from, end = from + count; i < end; ) {
                room(Double.BYTES);
                int k = Math.min(end - i, buffer.remaining() / Double.BYTES);
                buffer.asDoubleBuffer().put(a, i, k);
                buffer.position(buffer.position() + k * Double.BYTES);
                i += k;
            }
        }

        /**
         * The edges of slots {@code first .. first+n-1}: their offsets from 0 (n+1 ints), then,
         * when kept, their ends as dense ids ({@code globals} of the slot; the slot itself when
         * null) and their weights.
         */
        void putAdjacency(int[] offsets, int first, int n, int[] ends, double[] weights, int[] globals)
                throws IOException {
            int base = offsets[first];
            for (int i = 0; i <= n; i += CHUNK) {
                int k = Math.min(CHUNK, n + 1 - i);
                for (int j = 0; j < k; j++) {
                    chunk[j] = offsets[first + i + j] - base;
                }
                putInts(chunk, 0, k);
            }
            int m = offsets[first + n] - base;
            if (ends != null) {
                if (globals == null) {
                    putInts(ends, base, m);
                } else {
                    for (int e = 0; e < m; e += CHUNK) {
                        int k = Math.min(CHUNK, m - e);
                        for (int j = 0, from = base + e; j < k; j++) {
                            chunk[j] = globals[ends[from + j]];
                        }
                        putInts(chunk, 0, k);
                    }
                }
            }
            if (weights != null) {
                putDoubles(weights, base, m);
            }
        }

        /** Writes the checksum and flushes. */
        void finish() throws IOException {
            drain();
            long sum = crc.getValue();
            buffer.putLong(sum);
            buffer.flip();
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            buffer.clear();
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                drain();
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            buffer.clear();
        }
    }
}
