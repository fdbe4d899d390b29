package io.graphagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.graphagent.protocol.v1.MessageBatch;
import org.junit.jupiter.api.Test;

class PackedArraysTest {

    @Test
    void intsArePackedLittleEndianFourBytesEach() {
        ByteString packed = PackedArrays.packInts(new int[] {9, 0x01020304, -1}, 1, 2);

        assertThat(packed.toByteArray()).containsExactly(
                0x04, 0x03, 0x02, 0x01,
                0xff, 0xff, 0xff, 0xff);
    }

    @Test
    void aMessageBatchRoundTripsTargetsAndValues() throws Exception {
        int[] targets = {3, 17, 2_000_000_000, 0};
        double[] values = {0.25, -1.5, Double.POSITIVE_INFINITY, Double.MIN_VALUE};
        MessageBatch batch = MessageBatch.newBuilder()
                .setJobId("j-1").setSuperstep(4).setJobEpoch(2)
                .setSourcePartition(1).setTargetPartition(5)
                .setCount(targets.length)
                .setTargets(PackedArrays.packInts(targets, 0, targets.length))
                .setValues(PackedArrays.packDoubles(values, 0, values.length))
                .build();

        MessageBatch received = MessageBatch.parseFrom(batch.toByteArray());
        int[] gotTargets = new int[8];
        double[] gotValues = new double[8];
        PackedArrays.unpackInts(received.getTargets(), received.getCount(), gotTargets);
        PackedArrays.unpackDoubles(received.getValues(), received.getCount(), gotValues);

        assertThat(gotTargets).startsWith(targets);
        assertThat(gotValues).startsWith(values);
        assertThat(received.getTargets().size() + received.getValues().size()).isEqualTo(12 * targets.length);
    }

    @Test
    void longsRoundTrip() {
        long[] ids = {Long.MIN_VALUE, 0, 1L << 40, Long.MAX_VALUE};
        long[] got = new long[4];

        PackedArrays.unpackLongs(PackedArrays.packLongs(ids, 0, 4), 4, got);

        assertThat(got).containsExactly(ids);
    }

    @Test
    void countThatDisagreesWithTheByteLengthIsRefused() {
        ByteString packed = PackedArrays.packInts(new int[] {1, 2, 3}, 0, 3);

        assertThatThrownBy(() -> PackedArrays.unpackInts(packed, 4, new int[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 4 packed int32 (16 bytes), got 12 bytes");
    }

    @Test
    void intsPackedInPiecesAreTheSameBytesWithNoPieceOverTheBound() {
        int count = 2 * PackedArrays.PIECE_INTS + 123;
        int[] values = new int[count + 2];
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt();
        }
        ByteString pieces = PackedArrays.packIntsInPieces(values, 1, count);

        assertThat(pieces).isEqualTo(PackedArrays.packInts(values, 1, count));
        assertThat(PackedArrays.packIntsInPieces(values, 0, 3)).isEqualTo(PackedArrays.packInts(values, 0, 3));
        java.nio.IntBuffer view = PackedArrays.intsView(pieces, count);
        for (int i = 0; i < count; i++) {
            assertThat(view.get(i)).isEqualTo(values[i + 1]);
        }
        assertThatThrownBy(() -> PackedArrays.intsView(pieces, count + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected " + (count + 1) + " packed int32");
        long[] longs = new long[PackedArrays.PIECE_LONGS + 5];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = random.nextLong();
        }
        ByteString longPieces = PackedArrays.packLongsInPieces(longs, 2, longs.length - 2);
        assertThat(longPieces).isEqualTo(PackedArrays.packLongs(longs, 2, longs.length - 2));
        java.nio.LongBuffer longView = PackedArrays.longsView(longPieces, longs.length - 2);
        for (int i = 0; i < longs.length - 2; i++) {
            assertThat(longView.get(i)).isEqualTo(longs[i + 2]);
        }
    }
}
