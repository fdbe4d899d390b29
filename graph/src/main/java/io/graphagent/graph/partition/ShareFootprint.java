package io.graphagent.graph.partition;

/**
 * The heap a {@link ShareBuilder} build needs, estimated before it from counts alone: the
 * build's steps replayed on their array sizes. The entries given to the builder are taken as
 * already held (ints for owner and neighbour, 8 + 8 bytes per entry with weights); each block
 * of them is released as it is laid out, which counts against the new arrays.
 *
 * <p>Per direction laid out with {@code m} entries, on a graph of {@code n} vertices with
 * {@code o} owned: {@code 4(n+1) + 4(o+1)} for the counts, then {@code (4 + 8w) m} for the
 * entries grouped by neighbour (w = 1 with weights) while the blocks are still held — the
 * direction's peak — then the blocks released ({@code -(8 + 8w) m}) and the final adjacency
 * ({@code 4o + (4 + 8w) m} with its cursor) made, the grouping dropped. So a laid direction
 * adds about 4 bytes per entry at its peak and ends 4 bytes per entry below where it began.
 * That is the weighted layout; without weights entries are placed by owner and each adjacency
 * sorted: {@code 4(o+1)} offsets, {@code 4o + 4m} for the cursor and the adjacency while the
 * blocks are held (the peak), then the blocks ({@code -8m}) and the cursor released.
 * Over the whole build: {@code 4n} for the slot of every vertex and {@code 4 (o + mirrors)}
 * for the slots' ids, made before the layout when two directions are laid out (in-edges
 * first), after it when one is (its walk numbers the mirrors); out-edges kept as
 * degrees only ({@link io.graphagent.api.EdgeUse#IN_AND_OUT_DEGREES}) cost {@code 4o} and
 * {@code 4(o+1)} offsets, no per-entry array. Arrays of per-partition size (a few KB) are left
 * out. Matches what {@link ShareBuilder#peakBytes()} measures when {@code mirrors} is exact.
 *
 * @param numVertices   vertices of the whole graph
 * @param ownedVertices vertices of the owned partitions
 * @param mirrors       mirrors the share will have (a bound, before the build)
 * @param outTargets    whether out-edges are laid out (false: degrees only; ignored when undirected)
 * @param outEntries    out-edge entries (every adjacency entry of an undirected graph)
 * @param inEntries     in-edge entries of a directed graph
 */
public record ShareFootprint(int numVertices, int ownedVertices, long mirrors, boolean directed, boolean weighted,
                             boolean outTargets, long outEntries, long inEntries) {

    /** The most bytes the build holds at once beyond the entries given, as {@link ShareBuilder#peakBytes()}. */
    public long buildPeakBytes() {
        return replay().peak();
    }

    /** Bytes held after the build relative to before it, as {@link ShareBuilder#keptBytes()}: negative when the share is smaller than the entries. */
    public long keptBytes() {
        return replay().live();
    }

    private ArrayBytes replay() {
        long n = numVertices;
        long o = ownedVertices;
        boolean laysOut = !directed || outTargets;
        ArrayBytes bytes = new ArrayBytes();
        if (!laysOut) {
            bytes.allocated(4 * o); // out-degrees counted as entries come
        }
        bytes.allocated(4 * n); // slot of every vertex
        if (directed && laysOut) {
            bytes.allocated(4 * (o + mirrors)); // global id of every slot, mirrors numbered before both directions
            lay(bytes, inEntries);
            lay(bytes, outEntries);
        } else {
            lay(bytes, directed ? inEntries : outEntries); // its walk numbers the mirrors
            bytes.allocated(4 * (o + mirrors)); // global id of every slot
            if (!laysOut) {
                bytes.allocated(4 * (o + 1)); // out-offsets from the degrees
            }
        }
        bytes.released(4 * n);
        if (!laysOut) {
            bytes.released(4 * o);
        }
        return bytes;
    }

    private void lay(ArrayBytes bytes, long m) {
        long n = numVertices;
        long o = ownedVertices;
        if (!weighted) {
            bytes.allocated(4 * (o + 1)); // offsets
            bytes.allocated(4 * o + 4 * m); // cursor, the adjacency (global ids, then slots)
            bytes.released(8 * m); // the given blocks, released as placed
            bytes.released(4 * o); // cursor
            return;
        }
        long perEntry = weighted ? 12 : 4;
        bytes.allocated(4 * (n + 1) + 4 * (o + 1)); // entries per neighbour, offsets
        bytes.allocated(perEntry * m); // grouped by neighbour
        bytes.released((weighted ? 16 : 8) * m); // the given blocks, released as grouped
        bytes.allocated(4 * o + perEntry * m); // cursor, the adjacency
        bytes.released(4 * (n + 1) + 4 * o + perEntry * m); // counts, cursor, grouping
    }
}
