package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.graphagent.protocol.PackedArrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A query thread's reply buffer packs as {@link PackedArrays} does, and keeps what it packed valid until reset. */
class ReplyBufferTest {
    @Test
    void packsTheSameBytesAsPackedArrays() {
        Random random = new Random(7);
        int[] ints = random.ints(1000).toArray();
        long[] longs = random.longs(300).toArray();
        ReplyBuffer buffer = new ReplyBuffer();
        buffer.reset();
        assertThat(buffer.ints(ints, 5, 990)).isEqualTo(PackedArrays.packInts(ints, 5, 990));
        assertThat(buffer.longs(longs, 0, 300)).isEqualTo(PackedArrays.packLongs(longs, 0, 300));
        assertThat(buffer.ints(ints, 0, 0)).isEqualTo(ByteString.EMPTY);
    }

    @Test
    void bytesPackedBeforeTheArrayGrewStayValidUntilReset() {
        ReplyBuffer buffer = new ReplyBuffer();
        buffer.reset();
        int[] small = {1, 2, 3, -4};
        ByteString first = buffer.ints(small, 0, small.length);
        // Larger than the initial 64 KiB: packed into a new array, the first string's array left as it was.
        long[] large = new Random(3).longs(20_000).toArray();
        ByteString second = buffer.longs(large, 0, large.length);
        ByteString third = buffer.ints(small, 1, 2);
        assertThat(first).isEqualTo(PackedArrays.packInts(small, 0, small.length));
        assertThat(second).isEqualTo(PackedArrays.packLongs(large, 0, large.length));
        assertThat(third).isEqualTo(PackedArrays.packInts(small, 1, 2));
    }

    @Test
    void scratchArraysAreReusedAndFlagsCleared() {
        ReplyBuffer buffer = new ReplyBuffer();
        int[] ids = buffer.ids(10);
        assertThat(buffer.ids(100)).isSameAs(ids);
        assertThat(buffer.ids(1 << 13)).hasSizeGreaterThanOrEqualTo(1 << 13);
        boolean[] flags = buffer.notHeld(4);
        flags[2] = true;
        assertThat(buffer.notHeld(4)).isSameAs(flags).containsOnly(false);
        assertThat(buffer.notHeld(6)).hasSize(6).containsOnly(false);
    }
}
