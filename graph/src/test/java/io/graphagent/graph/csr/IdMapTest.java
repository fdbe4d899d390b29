package io.graphagent.graph.csr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdMapTest {
    @Test
    void denseIdsZeroToNMinusOneMapByIdentity() {
        IdMap map = IdMap.of(new long[] {0, 1, 2, 3});
        assertThat(map.isIdentity()).isTrue();
        assertThat(map.denseId(2)).isEqualTo(2);
        assertThat(map.denseId(4)).isEqualTo(-1);
        assertThat(map.denseId(-1)).isEqualTo(-1);
    }

    @Test
    void sparseIdsMapToTheirRankAndUnknownIdsToMinusOne() {
        SplittableRandom random = new SplittableRandom(11);
        long[] ids = random.longs(10_000, 0, Long.MAX_VALUE).sorted().distinct().toArray();
        IdMap map = IdMap.of(ids);

        assertThat(map.isIdentity()).isFalse();
        assertThat(map.size()).isEqualTo(ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertThat(map.denseId(ids[i])).isEqualTo(i);
        }
        for (int i = 0; i < 10_000; i++) {
            long probe = random.nextLong(0, Long.MAX_VALUE);
            assertThat(map.denseId(probe)).isEqualTo(Arrays.binarySearch(ids, probe) >= 0 ? Arrays.binarySearch(ids, probe) : -1);
        }
        assertThat(map.denseId(-1)).isEqualTo(-1);
    }

    @Test
    void idsSharingLowBitsStillMapCorrectly() {
        long[] ids = new long[1000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (long) i << 40;
        }
        IdMap map = IdMap.of(ids);
        for (int i = 0; i < ids.length; i++) {
            assertThat(map.denseId(ids[i])).isEqualTo(i);
        }
        assertThat(map.denseId(1)).isEqualTo(-1);
    }
}
