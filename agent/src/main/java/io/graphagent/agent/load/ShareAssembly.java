package io.graphagent.agent.load;

import io.graphagent.graph.csr.IdMap;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.api.EdgeUse;
import io.graphagent.protocol.v1.GraphFiles;
import java.util.Arrays;
import java.util.List;

/**
 * The last step of a load on one agent: every vertex the agent's edges name gets its dense id
 * (its partition's first dense id + its rank there; the owner of a remote partition tells the
 * ranks), the entries are rewritten into dense ids in place, and a {@link ShareBuilder} lays
 * out the share. When original ids are exactly 0..n-1 nobody asks anybody: an id is its
 * dense id. Used once, on the load's thread.
 */
final class ShareAssembly {
    /** Asks the owner of a remote partition for the ranks of some of its ids. */
    @FunctionalInterface
    interface RemoteRanks {
        int[] ranks(int partition, long[] sortedIds) throws LoadException;
    }

    private final ReceivedShare received;
    private final Partitioning partitioning;
    private final boolean denseIds;
    private final GraphFiles input;
    private final String agentId;
    private final RemoteRanks remote;
    private final long numEdges;
    /** Known ids (owned and mirrors) and their dense ids; null when ids are dense. */
    private IdMap known;
    private int[] denseOfKnown;

    ShareAssembly(ReceivedShare received, Partitioning partitioning, boolean denseIds, GraphFiles input, String agentId,
                  long numEdges, RemoteRanks remote) {
        this.received = received;
        this.partitioning = partitioning;
        this.denseIds = denseIds;
        this.input = input;
        this.agentId = agentId;
        this.numEdges = numEdges;
        this.remote = remote;
    }

    BuiltShare build(Long sourceVertex) throws LoadException {
        int[] owned = received.owned();
        long[][] sorted = received.sortedIds();
        for (int k = 0; k < owned.length; k++) {
            if (sorted[k].length != partitioning.size(owned[k])) {
                throw new LoadException("agent " + agentId + " holds " + sorted[k].length + " vertices of partition " + owned[k]
                        + ", the coordinator counted " + partitioning.size(owned[k]), false);
            }
        }
        long[] ownedIds = null;
        if (!denseIds) {
            ownedIds = concat(sorted);
            learnDenseIds(ownedIds, sourceVertex);
        }
        int sourceDense = sourceVertex == null ? -1 : dense(sourceVertex);
        ShareBuilder builder = new ShareBuilder(partitioning, owned, input.getDirected(), input.getWeighted(), numEdges,
                received.outTargets() ? EdgeUse.OUT_AND_IN : EdgeUse.IN_AND_OUT_DEGREES);
        add(builder, received.outEntries(), false);
        if (input.getDirected()) {
            add(builder, received.inEntries(), true);
        }
        builder.ownedIds(ownedIds);
        known = null;
        denseOfKnown = null;
        GraphShare share = builder.build();
        return new BuiltShare(share, sourceDense, builder.peakBytes());
    }

    /** Owned partitions' ids one after the other: ascending, since partitions are ascending id ranges. */
    private static long[] concat(long[][] sorted) {
        int total = 0;
        for (long[] ids : sorted) {
            total += ids.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] ids : sorted) {
            System.arraycopy(ids, 0, all, at, ids.length);
            at += ids.length;
        }
        return all;
    }

    /** Finds the remote ids the entries name, asks their owners, and maps every known id to its dense id. */
    private void learnDenseIds(long[] ownedIds, Long sourceVertex) throws LoadException {
        DistinctIds far = new DistinctIds();
        for (EntryBlock b : received.outEntries()) {
            if (b.hasTargets()) {
                collectRemote(b, true, far);
            }
        }
        for (EntryBlock b : received.inEntries()) {
            collectRemote(b, false, far);
        }
        if (sourceVertex != null && inBlocks(sourceVertex) && !ownsPartitionOf(sourceVertex)) {
            far.add(sourceVertex);
        }
        long[] mirrors = far.sorted();
        int[] mirrorDense = new int[mirrors.length];
        int from = 0;
        while (from < mirrors.length) {
            int q = partitioning.partitionOfId(mirrors[from]);
            int to = from;
            while (to < mirrors.length && partitioning.partitionOfId(mirrors[to]) == q) {
                to++;
            }
            int[] ranks = remote.ranks(q, Arrays.copyOfRange(mirrors, from, to));
            for (int i = from; i < to; i++) {
                int rank = ranks[i - from];
                mirrorDense[i] = rank < 0 ? -1 : partitioning.first(q) + rank;
            }
            from = to;
        }
        // Owned and mirror ids together, ascending (both are, and they never meet).
        long[] all = new long[ownedIds.length + mirrors.length];
        int[] dense = new int[all.length];
        int i = 0;
        int j = 0;
        int n = 0;
        int ownedDense = 0;
        int[] owned = received.owned();
        int k = 0;
        int inPartition = 0;
        while (i < ownedIds.length || j < mirrors.length) {
            if (j >= mirrors.length || (i < ownedIds.length && ownedIds[i] < mirrors[j])) {
                while (inPartition == partitioning.size(owned[k])) {
                    k++;
                    inPartition = 0;
                }
                ownedDense = partitioning.first(owned[k]) + inPartition++;
                all[n] = ownedIds[i++];
                dense[n++] = ownedDense;
            } else {
                all[n] = mirrors[j];
                dense[n++] = mirrorDense[j++];
            }
        }
        known = IdMap.of(all);
        denseOfKnown = dense;
    }

    private boolean inBlocks(long id) {
        long block = (id >>> partitioning.blocks().shift()) - partitioning.blocks().offset();
        return block >= 0 && block < partitioning.blocks().count();
    }

    private boolean ownsPartitionOf(long id) {
        return Arrays.binarySearch(received.owned(), partitioning.partitionOfId(id)) >= 0;
    }

    private void collectRemote(EntryBlock b, boolean out, DistinctIds far) {
        for (int i = 0; i < b.count; i++) {
            long neighbour = out ? b.target(i) : b.source(i);
            if (!ownsPartitionOf(neighbour)) {
                far.add(neighbour);
            }
        }
    }

    /** The dense id of an id the entries name, or -1 when the graph has no such vertex. */
    private int dense(long id) {
        if (denseIds) {
            return id >= 0 && id < partitioning.numVertices() ? (int) id : -1;
        }
        int index = known.denseId(id);
        return index < 0 ? -1 : denseOfKnown[index];
    }

    /** Rewrites a pool's entries into dense ids (owner, neighbour) and hands them to the builder. */
    private void add(ShareBuilder builder, List<EntryBlock> blocks, boolean inEdges) throws LoadException {
        for (int b = 0; b < blocks.size(); b++) {
            EntryBlock block = blocks.get(b);
            int n = block.count;
            if (!block.hasTargets()) {
                builder.addOutDegrees(denseSources(block), n);
                blocks.set(b, null);
                continue;
            }
            int[] sources = block.narrowSources != null ? block.narrowSources : new int[n];
            int[] targets = block.narrowTargets != null ? block.narrowTargets : new int[n];
            // Dense ids with int entries: every id already is its dense id (the smallest id of the
            // graph is 0 and the largest n - 1, so none lies outside), and nothing is rewritten.
            for (int i = denseIds && block.narrowSources != null ? n : 0; i < n; i++) {
                long s = block.source(i);
                long t = block.target(i);
                int ds = dense(s);
                int dt = dense(t);
                if (ds < 0 || dt < 0) {
                    throw missing(ds < 0 ? s : t);
                }
                sources[i] = ds;
                targets[i] = dt;
            }
            block.toDense(sources, targets);
            if (inEdges) {
                builder.addIn(targets, sources, block.weights, n);
            } else {
                builder.addOut(sources, targets, block.weights, n);
            }
            blocks.set(b, null);
        }
        blocks.clear();
    }

    /** The dense ids of a sources-only block's sources, in place when they are ints. */
    private int[] denseSources(EntryBlock block) throws LoadException {
        int n = block.count;
        int[] sources = block.narrowSources != null ? block.narrowSources : new int[n];
        for (int i = denseIds && block.narrowSources != null ? n : 0; i < n; i++) {
            long s = block.source(i);
            int ds = dense(s);
            if (ds < 0) {
                throw missing(s);
            }
            sources[i] = ds;
        }
        return sources;
    }

    private LoadException missing(long id) {
        String vertexFile = input.getVertexFile();
        return new LoadException(input.getEdgeFile() + ": an edge names vertex " + id + ", which is not in " + vertexFile
                + ". Fix: add " + id + " to the vertex file or remove its edges");
    }
}
