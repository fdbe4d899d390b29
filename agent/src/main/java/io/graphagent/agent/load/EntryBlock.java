package io.graphagent.agent.load;

/**
 * Edges received for this agent's partitions, by original id: ints when every id of the graph
 * fits (ShufflePartitions.narrow_ids), else longs. Rewritten in place into dense ids when the
 * share is built ({@link #toDense}), so the build needs no second copy. Out-edges of a share
 * that keeps out-degrees only are held by source alone ({@link #sourcesOnly}: no targets, no
 * weights).
 */
final class EntryBlock {
    final int count;
    int[] narrowSources;
    int[] narrowTargets;
    long[] wideSources;
    long[] wideTargets;
    final double[] weights;

    private EntryBlock(int count, int[] ns, int[] nt, long[] ws, long[] wt, double[] weights) {
        this.count = count;
        this.narrowSources = ns;
        this.narrowTargets = nt;
        this.wideSources = ws;
        this.wideTargets = wt;
        this.weights = weights;
    }

    static EntryBlock narrow(int[] sources, int[] targets, double[] weights, int count) {
        return new EntryBlock(count, sources, targets, null, null, weights);
    }

    static EntryBlock wide(long[] sources, long[] targets, double[] weights, int count) {
        return new EntryBlock(count, null, null, sources, targets, weights);
    }

    /** The sources of a block, without its targets and weights; the arrays are kept by reference. */
    EntryBlock sourcesOnly() {
        return new EntryBlock(count, narrowSources, null, wideSources, null, null);
    }

    /** Whether targets are held (not a {@link #sourcesOnly} block). */
    boolean hasTargets() {
        return narrowTargets != null || wideTargets != null;
    }

    /**
     * The entries {@code entries[0 .. size)}, narrowed when {@code narrow}; sources only with
     * {@code sourcesOnly}. Int entries for a narrow block are taken over without a copy
     * ({@link LocalEntries#take}, which empties them); otherwise copied.
     */
    static EntryBlock of(LocalEntries entries, boolean narrow, boolean sourcesOnly) {
        if (narrow && entries.narrow()) {
            return entries.take(sourcesOnly);
        }
        int n = entries.size();
        if (!narrow) {
            long[] s = new long[n];
            long[] t = sourcesOnly ? null : new long[n];
            for (int i = 0; i < n; i++) {
                s[i] = entries.source(i);
                if (t != null) {
                    t[i] = entries.target(i);
                }
            }
            double[] w = sourcesOnly || entries.weights() == null ? null : java.util.Arrays.copyOf(entries.weights(), n);
            return wide(s, t, w, n);
        }
        int[] s = new int[n];
        int[] t = sourcesOnly ? null : new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (int) entries.source(i);
            if (t != null) {
                t[i] = (int) entries.target(i);
            }
        }
        double[] w = sourcesOnly || entries.weights() == null ? null : java.util.Arrays.copyOf(entries.weights(), n);
        return narrow(s, t, w, n);
    }

    long source(int i) { return narrowSources != null ? narrowSources[i] : wideSources[i]; }

    long target(int i) { return narrowTargets != null ? narrowTargets[i] : wideTargets[i]; }

    /** Replaces the ids by dense ids given by the arrays, dropping wide ones. */
    void toDense(int[] denseSources, int[] denseTargets) {
        narrowSources = denseSources;
        narrowTargets = denseTargets;
        wideSources = null;
        wideTargets = null;
    }

    long sizeInBytes() {
        long ids = (narrowSources != null ? 4L : 8L) * count * (hasTargets() ? 2 : 1);
        return ids + (weights == null ? 0 : 8L * count);
    }
}
