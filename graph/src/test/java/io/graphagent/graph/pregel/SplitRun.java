package io.graphagent.graph.pregel;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Runners that split a graph's partitions between them, exchanging outboxes and broadcasts
 * by hand the way agents do over the network (and deciding as the coordinator does), for
 * tests that compare such a run with the single-process engine. Each runner's share keeps the
 * edges its program declares it reads ({@link io.graphagent.api.ProgramShape#edgeUse()}), as an agent's does.
 */
final class SplitRun {
    final VertexProgram program;
    final int[][] ownedBy;
    final int partitions;
    final int[] owner;
    final List<PartitionRunner> runners = new ArrayList<>();
    final Aggregators aggregators;
    final Partitioning partitioning;
    private final long edgeSlots;
    private final long verticesWithOutEdges;
    int superstep;
    Delivery delivery = Delivery.NONE;

    SplitRun(Graph graph, VertexProgram program, int partitions, int[][] ownedBy, ExecutorService pool) {
        this.partitions = partitions;
        this.owner = new int[partitions];
        this.program = program;
        this.ownedBy = ownedBy;
        this.partitioning = Partitioning.balanced(graph, partitions);
        long slots = 0;
        long withOut = 0;
        for (int a = 0; a < ownedBy.length; a++) {
            PartitionRunner runner = new PartitionRunner(ShareBuilder.of(graph, partitioning, ownedBy[a], program.shape().edgeUse()),
                    program, pool);
            runners.add(runner);
            slots += runner.edgeSlots();
            withOut += runner.verticesWithOutEdges();
            for (int p : ownedBy[a]) {
                owner[p] = a;
            }
        }
        this.edgeSlots = slots;
        this.verticesWithOutEdges = withOut;
        aggregators = new Aggregators(program.shape().aggregators());
    }

    /**
     * Every other runner takes owned partition {@code s}'s broadcasts: with vertex ids on even
     * supersteps, in the compact form (member bitmaps in ranges of {@link #COMPACT_RANGE}
     * members, which agents use) on odd ones.
     */
    private void shipBroadcasts(int a, int s) {
        PartitionRunner from = runners.get(a);
        if (superstep % 2 == 0) {
            PartitionRunner.Broadcasts b = from.exportBroadcasts(s);
            for (int other = 0; other < runners.size(); other++) {
                if (other != a) {
                    runners.get(other).importBroadcasts(s, b.vertices(), b.values(), b.vertices().length, true);
                }
            }
            return;
        }
        int members = from.partitioning().size(s);
        for (int first = 0; first < members; first += COMPACT_RANGE) {
            int n = Math.min(COMPACT_RANGE, members - first);
            PartitionRunner.BroadcastBits b = from.exportBroadcastBits(s, first, n);
            for (int other = 0; other < runners.size(); other++) {
                if (other != a) {
                    runners.get(other).importBroadcastBits(s, first, n, b.bits(), b.values());
                }
            }
        }
    }

    /** Members per compact broadcast range: odd, so ranges end mid-byte. */
    private static final int COMPACT_RANGE = 13;

    PartitionRunner owner(int partition) {
        return runners.get(owner[partition]);
    }

    void restoreFrom(SplitRun crashed, byte[][] checkpoints) throws Exception {
        restoreFrom(crashed, checkpoints, false);
    }

    /**
     * Like {@link #restoreFrom(SplitRun, byte[][])}; with {@code onlyNeeded}, each runner reads
     * only what it needs: its owned partitions, and the others' files (their broadcasts) only
     * when the next superstep pulls. That is what an agent without a shared disk fetches.
     */
    void restoreFrom(SplitRun crashed, byte[][] checkpoints, boolean onlyNeeded) throws Exception {
        for (int a = 0; a < runners.size(); a++) {
            PartitionRunner r = runners.get(a);
            int[] owned = ownedBy[a].clone();
            java.util.Arrays.sort(owned);
            for (int p = 0; p < partitions; p++) {
                boolean mine = java.util.Arrays.binarySearch(owned, p) >= 0;
                boolean neededBroadcasts = crashed.delivery.pull() && r.mirrors(p);
                if (mine || !onlyNeeded || neededBroadcasts) {
                    r.restore(p, new DataInputStream(new ByteArrayInputStream(checkpoints[p])));
                }
            }
            r.resume(crashed.delivery);
        }
        System.arraycopy(crashed.aggregators.values(), 0, aggregators.values(), 0, aggregators.values().length);
        superstep = crashed.superstep;
        delivery = crashed.delivery;
    }

    /** Runs one superstep; true when the run is over. */
    boolean superstep() {
        if (superstep >= program.shape().maxSupersteps()) {
            return true;
        }
        SuperstepStats total = SuperstepStats.ZERO;
        for (PartitionRunner r : runners) {
            total = total.plus(r.compute(superstep, aggregators.values()));
        }
        aggregators.reduce(partitioning.blocks().count(), (b, i) -> owner(partitioning.partitionOfBlock(b)).aggregatePartial(b, i));
        delivery = Delivery.decide(total, edgeSlots, verticesWithOutEdges);
        for (int a = 0; a < runners.size(); a++) {
            PartitionRunner from = runners.get(a);
            if (delivery.pushBroadcasts(total)) {
                from.pushBroadcasts();
            }
            for (int s : ownedBy[a]) {
                for (int t = 0; t < partitions; t++) {
                    if (owner[t] != a) {
                        owner(t).acceptMessages(s, t, from.outboxTargets(s, t), from.outboxValues(s, t), from.outboxSize(s, t));
                        from.clearOutbox(s, t);
                    }
                }
                if (delivery.pull()) {
                    shipBroadcasts(a, s);
                }
            }
        }
        for (PartitionRunner r : runners) {
            r.deliver();
            r.advance(delivery);
        }
        superstep++;
        return delivery.quiescent(total) || aggregators.runMaster(program.master(), superstep, total.stillActive());
    }

    double[] values() {
        double[] values = new double[partitioning.numVertices()];
        for (int v = 0; v < values.length; v++) {
            PartitionRunner r = owner(partitioning.partitionOf(v));
            values[v] = r.values()[r.share().ownedSlotOf(v)];
        }
        return values;
    }
}
