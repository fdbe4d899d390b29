package io.graphagent.graph.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.graph.csr.Graph;
import io.graphagent.api.EdgeUse;
import io.graphagent.graph.testing.Datasets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A share keeps only the edges its program reads. */
class ShareBuilderTest {
    private static final int[] OWNED = {0, 2};

    @Test
    void aShareOfInEdgesAndOutDegreesHoldsNoOutTargetsAndMirrorsOnlyInNeighbours() throws Exception {
        Graph graph = Datasets.load(Datasets.graphalytics().resolve("pr-directed"), 1);
        Partitioning partitioning = Partitioning.balanced(graph, 4);
        GraphShare both = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.OUT_AND_IN);
        GraphShare in = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.IN_AND_OUT_DEGREES);

        assertThat(in.holdsOutTargets()).isFalse();
        assertThat(in.outTargets()).isNull();
        assertThat(in.outOffsets()).as("out-degrees are kept").containsExactly(both.outOffsets());
        assertThat(in.inOffsets()).containsExactly(both.inOffsets());
        TreeSet<Integer> inNeighbours = new TreeSet<>();
        for (int v = 0; v < both.ownedVertices(); v++) {
            for (int e = both.inOffsets()[v]; e < both.inOffsets()[v + 1]; e++) {
                int g = both.globalOf(both.inSources()[e]);
                assertThat(in.globalOf(in.inSources()[e])).as("in-edge %d of slot %d", e, v).isEqualTo(g);
                if (both.ownedSlotOf(g) < 0) {
                    inNeighbours.add(g);
                }
            }
        }
        int[] mirrors = Arrays.copyOfRange(in.slotGlobals(), in.ownedVertices(), in.slots());
        assertThat(mirrors).as("the mirrors are the remote in-neighbours")
                .containsExactly(inNeighbours.stream().mapToInt(Integer::intValue).toArray());
        assertThat(in.mirrors()).isLessThanOrEqualTo(both.mirrors());
        assertThat(in.edgeEntries()).isEqualTo(both.inOffsets()[both.ownedVertices()]);
        assertThat(in.sizeInBytes()).isLessThanOrEqualTo(both.sizeInBytes() - 4L * both.outTargets().length);
    }

    @Test
    void anUndirectedShareKeepsItsAdjacencyWhateverTheProgramReads() throws Exception {
        Graph graph = Datasets.load(Datasets.graphalytics().resolve("example-undirected"), 1);
        Partitioning partitioning = Partitioning.balanced(graph, 4);
        GraphShare share = ShareBuilder.of(graph, partitioning, OWNED, EdgeUse.IN_AND_OUT_DEGREES);
        assertThat(share.holdsOutTargets()).isTrue();
        assertThat(share.outTargets()).containsExactly(ShareBuilder.of(graph, partitioning, OWNED).outTargets());
    }

    @Test
    void outEdgesOfAVertexOwnedElsewhereAreRefused() {
        Partitioning partitioning = new Partitioning(new IdBlocks(0, 0, 4), new int[] {0, 2, 4}, new int[] {0, 2, 4});
        ShareBuilder builder = new ShareBuilder(partitioning, new int[] {0}, true, false, 1, EdgeUse.IN_AND_OUT_DEGREES);
        assertThatThrownBy(() -> builder.addOutDegrees(new int[] {3}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vertex 3, which this share does not own");
    }

    /**
     * The memory check's estimate of a build ({@link ShareFootprint}, from counts alone) against
     * the arrays the build really made, counted by their lengths: within 1% when the mirrors
     * are known, and above by exactly the 4 bytes per mirror the agent's bound over-counts.
     */
    @ParameterizedTest(name = "directed={0} weighted={1} {2}")
    @CsvSource({"true, false, OUT_AND_IN", "true, false, IN_AND_OUT_DEGREES", "true, true, OUT_AND_IN",
            "false, true, OUT_AND_IN", "false, false, IN_AND_OUT_DEGREES"})
    void theFootprintEstimateMatchesTheArraysTheBuildMakes(boolean directed, boolean weighted, EdgeUse use) {
        int n = 6000;
        // Blocks of 4 ids (a partitioning has at most 4096 blocks).
        Partitioning partitioning = new Partitioning(new IdBlocks(2, 0, n / 4), new int[] {0, 250, 625, 1000, n / 4},
                new int[] {0, 1000, 2500, 4000, n});
        int[] owned = {0, 2};
        ShareBuilder builder = new ShareBuilder(partitioning, owned, directed, weighted, 50_000, use);
        SplittableRandom random = new SplittableRandom(7);
        long outEntries = 0;
        long inEntries = 0;
        long given = 0;
        for (int block = 0; block < 10; block++) {
            EntryLists outs = new EntryLists();
            EntryLists ins = new EntryLists();
            for (int e = 0; e < 5000; e++) {
                int s = random.nextInt(n);
                int t = random.nextInt(10) == 0 ? 3 : random.nextInt(n);
                double w = random.nextInt(100) / 4.0;
                if (partitioning.partitionOf(s) % 2 == 0) {
                    outs.add(s, t, w);
                }
                if (partitioning.partitionOf(t) % 2 == 0 && (directed || s != t)) {
                    (directed ? ins : outs).add(t, s, w);
                }
            }
            int[] outOwners = outs.owners();
            outEntries += outOwners.length;
            if (directed && !use.outTargets()) {
                builder.addOutDegrees(outOwners, outOwners.length);
            } else {
                builder.addOut(outOwners, outs.neighbours(), weighted ? outs.weights() : null, outOwners.length);
                given += (weighted ? 16L : 8L) * outOwners.length;
            }
            if (directed) {
                int[] inOwners = ins.owners();
                inEntries += inOwners.length;
                builder.addIn(inOwners, ins.neighbours(), weighted ? ins.weights() : null, inOwners.length);
                given += (weighted ? 16L : 8L) * inOwners.length;
            }
        }
        GraphShare share = builder.build();
        int ownedVertices = share.ownedVertices();

        assertThat(builder.keptBytes() + given).as("what the build keeps is the share's arrays")
                .isEqualTo(share.sizeInBytes());
        ShareFootprint exact = new ShareFootprint(n, ownedVertices, share.mirrors(), directed, weighted, use.outTargets(),
                outEntries, inEntries);
        assertThat((double) exact.buildPeakBytes()).as("peak, mirrors known")
                .isCloseTo(builder.peakBytes(), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat((double) exact.keptBytes()).isCloseTo(builder.keptBytes(), org.assertj.core.data.Offset.offset(
                Math.abs(builder.keptBytes()) / 100.0));
        long laid = (directed ? inEntries : 0) + (!directed || use.outTargets() ? outEntries : 0);
        long bound = Math.min(n - ownedVertices, laid);
        ShareFootprint bounded = new ShareFootprint(n, ownedVertices, bound, directed, weighted, use.outTargets(),
                outEntries, inEntries);
        assertThat(bounded.buildPeakBytes()).as("peak, mirrors bounded as the agent does")
                .isGreaterThanOrEqualTo(builder.peakBytes())
                .isLessThanOrEqualTo(builder.peakBytes() + 4 * (bound - share.mirrors()) + builder.peakBytes() / 100);
    }

    /**
     * Whatever order the entries come in, and whichever directions are laid out: each owned
     * slot's adjacency lists its neighbours' slots in ascending global id (parallel edges by
     * weight), the mirrors are exactly the remote neighbours in ascending id, each partition's
     * mirrors one run of slots, checked against a reference made of sorted lists.
     */
    @ParameterizedTest(name = "directed={0} weighted={1} {2}")
    @CsvSource({"true, false, OUT_AND_IN", "true, true, IN_AND_OUT_DEGREES", "true, true, OUT_AND_IN",
            "false, true, OUT_AND_IN", "false, false, OUT_AND_IN"})
    void theLayoutHasEveryAdjacencyInNeighbourOrderAndTheMirrorsInIdOrderWhateverTheEntryOrder(boolean directed,
                                                                                             boolean weighted, EdgeUse use) {
        int n = 3000;
        Partitioning partitioning = new Partitioning(new IdBlocks(2, 0, n / 4), new int[] {0, 100, 100, 400, 600, n / 4},
                new int[] {0, 400, 400, 1600, 2400, n});
        int[] owned = {1, 2, 4};
        SplittableRandom random = new SplittableRandom(11);
        java.util.List<long[]> outRef = new java.util.ArrayList<>(); // owner, neighbour, weight bits
        java.util.List<long[]> inRef = new java.util.ArrayList<>();
        ShareBuilder builder = new ShareBuilder(partitioning, owned, directed, weighted, 40_000, use);
        boolean outTargets = !directed || use.outTargets();
        for (int block = 0; block < 8; block++) {
            EntryLists outs = new EntryLists();
            EntryLists ins = new EntryLists();
            for (int e = 0; e < 5000; e++) {
                int s = random.nextInt(n);
                int t = random.nextInt(8) == 0 ? 2000 + random.nextInt(3) : random.nextInt(n); // parallel edges
                double w = random.nextInt(4);
                if (Arrays.binarySearch(owned, partitioning.partitionOf(s)) >= 0) {
                    outs.add(s, t, w);
                    outRef.add(new long[] {s, t, Double.doubleToLongBits(w)});
                }
                if (Arrays.binarySearch(owned, partitioning.partitionOf(t)) >= 0 && (directed || s != t)) {
                    (directed ? ins : outs).add(t, s, w);
                    (directed ? inRef : outRef).add(new long[] {t, s, Double.doubleToLongBits(w)});
                }
            }
            int[] o = outs.owners();
            if (outTargets) {
                builder.addOut(o, outs.neighbours(), weighted ? outs.weights() : null, o.length);
            } else {
                builder.addOutDegrees(o, o.length);
            }
            if (directed) {
                int[] i = ins.owners();
                builder.addIn(i, ins.neighbours(), weighted ? ins.weights() : null, i.length);
            }
        }
        GraphShare share = builder.build();

        TreeSet<Integer> remote = new TreeSet<>();
        for (java.util.List<long[]> ref : directed && !outTargets ? java.util.List.of(inRef) : java.util.List.of(outRef, inRef)) {
            for (long[] e : ref) {
                if (Arrays.binarySearch(owned, partitioning.partitionOf((int) e[1])) < 0) {
                    remote.add((int) e[1]);
                }
            }
        }
        int[] mirrors = Arrays.copyOfRange(share.slotGlobals(), share.ownedVertices(), share.slots());
        assertThat(mirrors).as("mirrors: the remote neighbours, ascending")
                .containsExactly(remote.stream().mapToInt(Integer::intValue).toArray());
        for (int q = 0; q < partitioning.count(); q++) {
            for (int slot = share.firstMirror(q); slot < share.endMirror(q); slot++) {
                assertThat(partitioning.partitionOf(share.globalOf(slot))).as("mirror slot %d", slot).isEqualTo(q);
            }
        }
        assertAdjacency(share, outRef, share.outOffsets(), outTargets ? share.outTargets() : null,
                weighted && outTargets ? share.outWeights() : null);
        if (directed) {
            assertAdjacency(share, inRef, share.inOffsets(), share.inSources(), weighted ? share.inWeights() : null);
        }
    }

    /** The adjacency of every owned slot: the reference's entries of its vertex, by neighbour id then weight. */
    private static void assertAdjacency(GraphShare share, java.util.List<long[]> ref, int[] offsets, int[] ends,
                                        double[] weights) {
        java.util.Map<Integer, java.util.List<long[]>> byOwner = new java.util.HashMap<>();
        for (long[] e : ref) {
            byOwner.computeIfAbsent((int) e[0], k -> new java.util.ArrayList<>()).add(e);
        }
        for (int slot = 0; slot < share.ownedVertices(); slot++) {
            java.util.List<long[]> expected = byOwner.getOrDefault(share.globalOf(slot), java.util.List.of());
            expected.sort(java.util.Comparator.<long[]>comparingLong(e -> e[1])
                    .thenComparingDouble(e -> Double.longBitsToDouble(e[2])));
            assertThat(offsets[slot + 1] - offsets[slot]).as("degree of slot %d", slot).isEqualTo(expected.size());
            if (ends == null) {
                continue;
            }
            for (int k = 0; k < expected.size(); k++) {
                int at = offsets[slot] + k;
                assertThat(share.globalOf(ends[at])).as("entry %d of slot %d", k, slot).isEqualTo((int) expected.get(k)[1]);
                if (weights != null) {
                    assertThat(weights[at]).isEqualTo(Double.longBitsToDouble(expected.get(k)[2]));
                }
            }
        }
    }

    /** Entries of one block, grown as they come; handed over as arrays of exactly their length (as the agent does). */
    private static final class EntryLists {
        private int[] owners = new int[16];
        private int[] neighbours = new int[16];
        private double[] weights = new double[16];
        private int size;

        void add(int owner, int neighbour, double weight) {
            if (size == owners.length) {
                owners = Arrays.copyOf(owners, size * 2);
                neighbours = Arrays.copyOf(neighbours, size * 2);
                weights = Arrays.copyOf(weights, size * 2);
            }
            owners[size] = owner;
            neighbours[size] = neighbour;
            weights[size++] = weight;
        }

        int[] owners() { return Arrays.copyOf(owners, size); }

        int[] neighbours() { return Arrays.copyOf(neighbours, size); }

        double[] weights() { return Arrays.copyOf(weights, size); }
    }
}
