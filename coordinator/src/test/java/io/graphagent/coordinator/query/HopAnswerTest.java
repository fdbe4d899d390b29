package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ExpandReply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the gateway reads one hop's reply: packed ids with parents, or a bitmap of the graph's vertices. */
class HopAnswerTest {
    private static final String MALFORMED = "agent a1 answered a malformed hop of graph g";

    private static List<int[]> delivered(ExpandReply reply, int universe, boolean withParents) throws QueryException {
        List<int[]> got = new ArrayList<>();
        new HopAnswer(reply, "a1", "g").deliver(universe, withParents, (n, parent) -> got.add(new int[] {n, parent}));
        return got;
    }

    private static List<int[]> deliveredNext(HopAnswer answer, int universe) throws QueryException {
        List<int[]> got = new ArrayList<>();
        answer.deliverNext(universe, (n, parent) -> got.add(new int[] {n, parent}));
        return got;
    }

    @Test
    void packedIdsComeWithTheirParents() throws QueryException {
        ExpandReply reply = ExpandReply.newBuilder().setCount(3).setNeighbours(PackedArrays.packInts(new int[] {7, 2, 9}, 0, 3))
                .setParents(PackedArrays.packInts(new int[] {1, 1, 4}, 0, 3)).build();

        assertThat(delivered(reply, 10, true)).containsExactly(new int[] {7, 1}, new int[] {2, 1}, new int[] {9, 4});
        assertThat(delivered(reply.toBuilder().clearParents().build(), 10, false))
                .containsExactly(new int[] {7, -1}, new int[] {2, -1}, new int[] {9, -1});
    }

    @Test
    void aBitmapGivesEverySetBitInIncreasingOrder() throws QueryException {
        int universe = 130;
        long[] words = new long[3];
        int[] vertices = {0, 5, 63, 64, 100, 128, 129};
        for (int v : vertices) {
            words[v >>> 6] |= 1L << v;
        }
        ExpandReply reply = ExpandReply.newBuilder().setCount(vertices.length)
                .setNeighbourBits(PackedArrays.packLongs(words, 0, words.length)).build();

        List<int[]> got = delivered(reply, universe, false);

        assertThat(got).extracting(p -> p[0]).containsExactly(0, 5, 63, 64, 100, 128, 129);
        assertThat(got).extracting(p -> p[1]).containsOnly(-1);
    }

    @Test
    void aBitmapOfTheWrongSizeOrCountIsAMalformedReply() {
        long[] words = {0b1011L, 0L};
        ExpandReply reply = ExpandReply.newBuilder().setCount(3).setNeighbourBits(PackedArrays.packLongs(words, 0, 2)).build();

        assertThatThrownBy(() -> delivered(reply, 200, false)).isInstanceOf(QueryException.class)
                .hasMessage(MALFORMED + ": expected 4 packed int64 (32 bytes), got 16 bytes")
                .extracting(e -> ((QueryException) e).kind()).isEqualTo(QueryException.Kind.UNAVAILABLE);
        assertThatThrownBy(() -> delivered(reply.toBuilder().setCount(4).build(), 128, false))
                .isInstanceOf(QueryException.class)
                .hasMessage(MALFORMED + ": the bitmap holds 3 neighbours, the count says 4");
    }

    @Test
    void aCountedHopMergesBitmapsAndPackedIdsIntoOneSet() throws QueryException {
        int universe = 130;
        long[] words = new long[3];
        for (int v : new int[] {0, 5, 64, 129}) {
            words[v >>> 6] |= 1L << v;
        }
        io.graphagent.graph.traverse.VertexBits into = new io.graphagent.graph.traverse.VertexBits(universe);
        new HopAnswer(ExpandReply.newBuilder().setCount(4).setNeighbourBits(PackedArrays.packLongs(words, 0, 3))
                .build(), "a1", "g").deliverInto(into);
        new HopAnswer(ExpandReply.newBuilder().setCount(3).setNeighbours(PackedArrays.packInts(new int[] {5, 6, 100},
                0, 3)).build(), "a1", "g").deliverInto(into);

        assertThat(into.size()).isEqualTo(6);
        for (int v : new int[] {0, 5, 6, 64, 100, 129}) {
            assertThat(into.contains(v)).as("%d", v).isTrue();
        }
    }

    @Test
    void aCountedHopsMalformedReplyNamesTheAgent() {
        io.graphagent.graph.traverse.VertexBits into = new io.graphagent.graph.traverse.VertexBits(130);
        long[] words = {0b1011L, 0L, 0L};
        assertThatThrownBy(() -> new HopAnswer(ExpandReply.newBuilder().setCount(4)
                .setNeighbourBits(PackedArrays.packLongs(words, 0, 3)).build(), "a1", "g").deliverInto(into))
                .isInstanceOf(QueryException.class)
                .hasMessage(MALFORMED + ": the bitmap holds 3 neighbours, the count says 4");
        assertThatThrownBy(() -> new HopAnswer(ExpandReply.newBuilder().setCount(1)
                .setNeighbours(PackedArrays.packInts(new int[] {130}, 0, 1)).build(), "a1", "g").deliverInto(into))
                .isInstanceOf(QueryException.class)
                .hasMessage(MALFORMED + ": vertex 130 is outside the set's universe 0..129");
    }

    @Test
    void aHopTakenOneFurtherGivesTheNextNeighboursAndTheFrontierLeftInAgentOrder() throws QueryException {
        ExpandReply a1 = ExpandReply.newBuilder().setCount(1).setNeighbours(PackedArrays.packInts(new int[] {3}, 0, 1))
                .setNextCount(2).setNextNeighbours(PackedArrays.packInts(new int[] {8, 9}, 0, 2))
                .setUnexpandedCount(2).setUnexpanded(PackedArrays.packInts(new int[] {4, 6}, 0, 2)).build();
        ExpandReply a2 = ExpandReply.newBuilder().setUnexpandedCount(1).setUnexpanded(PackedArrays.packInts(new int[] {5}, 0, 1))
                .build();
        List<HopAnswer> carried = List.of(new HopAnswer(a1, "a1", "g"), new HopAnswer(a2, "a2", "g"));

        assertThat(HopAnswer.unexpanded(carried)).containsExactly(4, 6, 5);
        assertThat(deliveredNext(carried.get(0), 10)).extracting(p -> p[0]).containsExactly(8, 9);
        assertThat(deliveredNext(carried.get(1), 10)).isEmpty();
    }

    @Test
    void aFrontierLeftOfTheWrongSizeIsAMalformedReply() {
        ExpandReply bad = ExpandReply.newBuilder().setUnexpandedCount(3).setUnexpanded(PackedArrays.packInts(new int[] {4}, 0, 1))
                .build();

        assertThatThrownBy(() -> HopAnswer.unexpanded(List.of(new HopAnswer(bad, "a1", "g"))))
                .isInstanceOf(QueryException.class)
                .hasMessage(MALFORMED + ": expected 3 packed int32 (12 bytes), got 4 bytes");
    }
    @Test
    void aNextHopCountedByItsAgentIsTakenAsItsNewVerticesBesideEmptyNotHeldAnswers() throws QueryException {
        HopAnswer notHeld = new HopAnswer(ExpandReply.newBuilder().addNotHeld(2).build(), "a2", "g");
        HopAnswer counted = new HopAnswer(ExpandReply.newBuilder().setCount(2).setNeighbours(PackedArrays.packInts(
                new int[] {3, 4}, 0, 2)).setNextCount(9).setNextCounted(true).setNextFresh(7).build(), "a1", "g");
        HopAnswer listed = new HopAnswer(ExpandReply.newBuilder().setCount(1).setNeighbours(PackedArrays.packInts(
                new int[] {5}, 0, 1)).setNextCount(1).setNextNeighbours(PackedArrays.packInts(new int[] {6}, 0, 1)).build(),
                "a3", "g");

        assertThat(HopAnswer.counted(List.of(notHeld, counted))).isEqualTo(7);
        assertThat(HopAnswer.counted(List.of(listed))).isEqualTo(-1);
        assertThatThrownBy(() -> HopAnswer.counted(List.of(counted, listed))).isInstanceOf(QueryException.class)
                .hasMessage("agent a3 answered a malformed hop of graph g: agent a1 counted the next hop, yet this agent also"
                        + " expanded vertices of it");
    }
}
