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
    }
}
