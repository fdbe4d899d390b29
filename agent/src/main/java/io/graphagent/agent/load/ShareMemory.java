package io.graphagent.agent.load;

import io.graphagent.graph.partition.ShareFootprint;
import io.graphagent.protocol.v1.BuildPartitions;

/**
 * Whether this agent's heap can hold the share a build is about to make, checked before the
 * build allocates, so a graph too big for the agent fails the job with the numbers and the
 * fix instead of an {@code OutOfMemoryError} half-way.
 *
 * <p>An estimate of the most the heap must hold beyond what it holds at the check (the
 * received entries, already in memory), taken as the largest of three moments of the build:
 * <ol>
 *   <li><b>Ids</b> (only when original ids are not 0..n-1): the owned ids in one array (8 bytes
 *       each, kept by the share), the remote ids the entries name with their dense ids, and the
 *       table that maps every known id (owned and mirror) to its dense id (12 bytes each plus
 *       {@code IdMap}'s 32 to 64).</li>
 *   <li><b>Layout</b>: {@link ShareFootprint#buildPeakBytes()} — per direction laid out, about 4
 *       bytes per entry (16 with weights: the grouping while the entries are still held) plus
 *       two ints per vertex of the graph; the in-edges of a directed graph are laid out first,
 *       and each direction's entry blocks are released as they are laid out. Out-edges a
 *       kernel reads as degrees only ({@code EdgeUse.IN_AND_OUT_DEGREES}, PageRank) arrive as
 *       source ids and are counted and released before anything is laid out, which the
 *       estimate credits.</li>
 *   <li><b>Job</b>: the share built ({@link ShareFootprint#keptBytes()}: 4 bytes less per laid
 *       entry than the entries it replaces) plus the job state: about 36 bytes per owned vertex
 *       (its value, halt flag, combined inbox and two broadcast buffers) and 18 per mirror.</li>
 * </ol>
 * Mirrors are bounded by the vertices the agent does not own and by the entries that can name
 * one. Entries with wide (64-bit) ids are counted as if they were ints (the build narrows them
 * first, which frees more). {@link #HEADROOM} is added for buffers, gRPC and GC.
 */
public final class ShareMemory {
    private ShareMemory() {
    }

    /** Bytes of slack the JVM needs beside the share (buffers, gRPC, GC headroom). */
    static final long HEADROOM = 16L << 20;
    /** The fix every out-of-heap message of an agent's job ends with. */
    public static final String MORE_HEAP_FIX = "Fix: give the agents more heap (-Xmx in GRAPHAGENT_JAVA_OPTS) or run"
            + " more agents, so each holds a smaller share";
    /** Job state per owned vertex: one 8-byte value, a halt flag, a combined inbox (9) and two broadcast slots (18). */
    static final long STATE_PER_OWNED = 36;
    /** Job state per mirror: its two broadcast slots. */
    static final long STATE_PER_MIRROR = 18;

    /**
     * @throws LoadException (fault MEMORY) naming the agent, the bytes needed and the heap, when the share would not fit
     */
    public static void check(String agentId, PartitionedLoad load, BuildPartitions order) throws LoadException {
        ReceivedShare received = load.received();
        long needed = needed(received, order, load.input().getWeighted());
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        long available = runtime.maxMemory() - used;
        if (needed > available) {
            System.gc();
            used = runtime.totalMemory() - runtime.freeMemory();
            available = runtime.maxMemory() - used;
        }
        if (needed > available) {
            throw new LoadException("agent " + agentId + " needs about " + mb(needed) + " MB more heap for its share of the graph ("
                    + ownedVertices(received) + " vertices, " + received.entriesLaid() + " edge entries), but has "
                    + mb(available) + " MB free of its " + mb(runtime.maxMemory()) + " MB maximum. " + MORE_HEAP_FIX,
                    LoadException.Fault.MEMORY);
        }
    }

    /** The bytes the build and the job need beyond what the agent holds at the check, headroom included. */
    static long needed(ReceivedShare received, BuildPartitions order, boolean weighted) {
        long n = order.getFirstVertexCount() == 0 ? 0 : order.getFirstVertex(order.getFirstVertexCount() - 1);
        long owned = ownedVertices(received);
        long laid = received.entriesLaid();
        long mirrors = Math.max(0, Math.min(n - owned, laid));
        long in = received.inEntriesLaid();
        ShareFootprint footprint = new ShareFootprint((int) n, (int) owned, mirrors, received.directed(), weighted,
                received.outTargets(), laid - in + received.sourcesOnlyEntries(), in);
        long ownedIds = order.getDenseIds() ? 0 : 8 * owned;
        long ids = order.getDenseIds() ? 0 : ownedIds + 12 * mirrors + 12 * (owned + mirrors) + idMapBytes(owned + mirrors);
        long credit = received.sourcesOnlyBytes();
        long degrees = received.outTargets() ? 0 : 4 * owned;
        long layout = ownedIds + Math.max(degrees, footprint.buildPeakBytes() - credit);
        long job = ownedIds - credit + footprint.keptBytes() + STATE_PER_OWNED * owned + STATE_PER_MIRROR * mirrors;
        return Math.max(0, Math.max(ids, Math.max(layout, job))) + HEADROOM;
    }

    /** The open-addressing table {@code IdMap} makes for {@code ids} ids (two longs per slot, load at most 1/2). */
    static long idMapBytes(long ids) {
        long wanted = Math.max(2, 2 * ids);
        if (wanted > 1 << 29) {
            return 0; // binary search over the sorted ids, no table
        }
        return 16L * (Long.highestOneBit(wanted - 1) << 1);
    }

    private static long ownedVertices(ReceivedShare received) {
        long owned = 0;
        for (long[] partition : received.sortedIds()) {
            owned += partition.length;
        }
        return owned;
    }

    static long mb(long bytes) {
        return bytes >> 20;
    }
}
