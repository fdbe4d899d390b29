package io.graphagent.graph.traverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class VertexBitsTest {

    private static int[] held(VertexBits bits) {
        int[] ids = new int[bits.size()];
        assertThat(bits.toArray(ids)).isEqualTo(ids.length);
        Arrays.sort(ids);
        return ids;
    }

    private static int[] sorted(TreeSet<Integer> reference) {
        return reference.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void addsAnswerWhetherNewAndTheSetHoldsExactlyTheIdsAdded() {
        for (int count : new int[] {0, 5, 300, 20_000}) {
            VertexBits bits = new VertexBits(100_003);
            TreeSet<Integer> reference = new TreeSet<>();
            SplittableRandom random = new SplittableRandom(count);
            for (int i = 0; i < count; i++) {
                int v = random.nextInt(100_003);
                assertThat(bits.add(v)).as("add(%d)", v).isEqualTo(reference.add(v));
            }
            assertThat(bits.size()).isEqualTo(reference.size());
            assertThat(held(bits)).containsExactly(sorted(reference));
            for (int v = 0; v < 100_003; v += 7) {
                assertThat(bits.contains(v)).isEqualTo(reference.contains(v));
            }
            bits.clear();
            assertThat(bits.size()).isZero();
            assertThat(bits.bits()).containsOnly(0L);
            assertThat(held(bits)).isEmpty();
        }
    }

    @Test
    void addAllHoldsWhatAddsOneByOneHoldAndCountsTheNewOnes() {
        SplittableRandom random = new SplittableRandom(14);
        int universe = 64 * 800 + 17;
        int[] map = new int[universe];
        for (int i = 0; i < universe; i++) {
            map[i] = universe - 1 - i;
        }
        // 800 words, 100 tracked: the small runs stay tracked, the large ones make the set scan them all.
        for (int run : new int[] {0, 3, 90, 2_000, 60_000}) {
            for (int[] through : new int[][] {null, map}) {
                VertexBits bits = new VertexBits(universe);
                VertexBits one = new VertexBits(universe);
                int[] ids = new int[run + 4];
                for (int i = 0; i < ids.length; i++) {
                    // Repeats within a run and across runs: a hop's adjacency.
                    ids[i] = random.nextInt(run < 100 ? 200 : universe);
                }
                int expectNew = 0;
                for (int i = 2; i < 2 + run; i++) {
                    expectNew += one.add(through == null ? ids[i] : through[ids[i]]) ? 1 : 0;
                }
                assertThat(bits.addAll(ids, 2, 2 + run, through)).as("run %d", run).isEqualTo(expectNew);
                assertThat(bits.addAll(ids, 2, 2 + run, through)).isZero();
                assertThat(bits.size()).isEqualTo(one.size());
                assertThat(held(bits)).containsExactly(held(one));
                bits.clear();
                assertThat(bits.bits()).containsOnly(0L);
                assertThat(held(bits)).isEmpty();
            }
        }
    }

    @Test
    void aClearedSetIsEmptyWhetherItTrackedItsWordsOrNot() {
        VertexBits bits = new VertexBits(64 * 80);
        // 80 words, 10 tracked: 10 words stay tracked, the 11th makes the set scan them all.
        for (int w = 0; w < 10; w++) {
            bits.add(w * 64 + 3);
        }
        bits.clear();
        assertThat(bits.bits()).containsOnly(0L);
        for (int w = 0; w < 11; w++) {
            bits.add(w * 64 + 5);
        }
        assertThat(held(bits)).hasSize(11).contains(5, 10 * 64 + 5);
        bits.clear();
        assertThat(bits.bits()).containsOnly(0L);
        assertThat(bits.add(7)).isTrue();
        assertThat(held(bits)).containsExactly(7);
    }

    @Test
    void aBitmapIsMergedAWordAtATimeAndItsSetBitsCounted() {
        VertexBits bits = new VertexBits(130);
        bits.add(1);
        bits.add(64);
        long[] words = new long[3];
        for (int v : new int[] {1, 2, 100, 129}) {
            words[v >>> 6] |= 1L << v;
        }
        assertThat(bits.or(LongBuffer.wrap(words))).isEqualTo(4);
        assertThat(bits.size()).isEqualTo(5);
        assertThat(held(bits)).containsExactly(1, 2, 64, 100, 129);
        assertThat(bits.add(100)).isFalse();
        assertThat(bits.add(101)).isTrue();
        assertThat(bits.size()).isEqualTo(6);
        bits.clear();
        assertThat(bits.bits()).containsOnly(0L);
        assertThat(bits.size()).isZero();
    }

    @Test
    void idsOutsideTheUniverseAreRefused() {
        VertexBits bits = new VertexBits(130);
        assertThatThrownBy(() -> bits.add(130)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vertex 130 is outside the set's universe 0..129");
        assertThatThrownBy(() -> bits.add(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bits.or(LongBuffer.wrap(new long[2]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a bitmap of 2 words for a universe of 130 ids (3 words)");
        assertThatThrownBy(() -> bits.or(LongBuffer.wrap(new long[] {0, 0, 1L << 2}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the bitmap has bits set past the universe's last id 129");
        assertThat(bits.size()).isZero();
        assertThatThrownBy(() -> bits.addAll(new int[] {4, 130}, 0, 2, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vertex 130 is outside the set's universe 0..129");
        // Those before it were added, and a clear empties them.
        assertThat(held(bits)).containsExactly(4);
        bits.clear();
        assertThat(bits.bits()).containsOnly(0L);
    }
}
