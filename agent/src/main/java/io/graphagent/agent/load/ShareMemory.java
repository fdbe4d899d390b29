package io.graphagent.agent.load;

import io.graphagent.protocol.v1.BuildPartitions;

/**
 * Whether this agent's heap can hold the share a build is about to make, checked before the
 * build allocates, so a graph too big for the agent fails the job with the numbers and the
 * fix instead of an {@code OutOfMemoryError} half-way. An estimate: the received entries are
 * rewritten in place; the build adds two ints per entry it lays out (grouping and the final
 * adjacency; out-edges kept for their degrees only are counted, not laid out), two ints per
 * vertex of the graph while it runs, and the job state (about 36 bytes per owned
 * vertex and 18 per mirror, counted as if every vertex of the graph could be a mirror).
 */
public final class ShareMemory {
    private ShareMemory() {
    }

    /** Bytes of slack the JVM needs beside the share (buffers, gRPC, GC headroom). */
    static final long HEADROOM = 16L << 20;

    /**
     * @throws LoadException (fault MEMORY) naming the agent, the bytes needed and the heap, when the share would not fit
     */
    public static void check(String agentId, ReceivedShare received, BuildPartitions order) throws LoadException {
        long n = order.getFirstVertexCount() == 0 ? 0 : order.getFirstVertex(order.getFirstVertexCount() - 1);
        long owned = 0;
        long[][] ids = received.sortedIds();
        for (long[] partition : ids) {
            owned += partition.length;
        }
        long entries = received.entriesLaid();
        long mirrors = Math.max(0, Math.min(n - owned, entries));
        long needed = entries * 8 + n * 8 + owned * 36 + mirrors * 22 + HEADROOM;
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
                    + owned + " vertices, " + entries + " edge entries), but has " + mb(available) + " MB free of its "
                    + mb(runtime.maxMemory()) + " MB maximum. Fix: give the agents more heap (-Xmx in GRAPHAGENT_JAVA_OPTS) or"
                    + " run more agents, so each holds a smaller share", LoadException.Fault.MEMORY);
        }
    }

    static long mb(long bytes) {
        return bytes >> 20;
    }
}
