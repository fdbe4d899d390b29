package io.graphagent.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bulk encoding of the data plane: primitive arrays packed little-endian into the
 * {@code bytes} fields of {@code MessageBatch}, {@code EdgeBatch} and {@code OutputChunk}
 * (int32: 4 bytes, int64 and float64: 8 bytes each, no tags or lengths per element).
 *
 * <p>Packing copies the elements once into a fresh array that the returned
 * {@link ByteString} wraps without a second copy; unpacking copies once into the caller's
 * array, so a receiver can reuse its buffers across batches. Stateless and thread-safe.
 */
public final class PackedArrays {

    /** Bytes per packed int32. */
    public static final int INT_BYTES = Integer.BYTES;
    /** Bytes per packed int64 or float64. */
    public static final int LONG_BYTES = Long.BYTES;

    private PackedArrays() {
    }

    /** Packs {@code values[from .. from+count)} as little-endian int32. */
    public static ByteString packInts(int[] values, int from, int count) {
        byte[] out = new byte[Math.multiplyExact(count, INT_BYTES)];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(values, from, count);
        return UnsafeByteOperations.unsafeWrap(out);
    }

    /** Ints per piece of {@link #packIntsInPieces}: 256 KiB, under G1's humongous size at 1 MiB regions. */
    public static final int PIECE_INTS = 1 << 16;

    /**
     * Packs {@code values[from .. from+count)} as little-endian int32, the same bytes as
     * {@link #packInts}, in pieces of at most {@link #PIECE_INTS} (a rope): a large reply then
     * allocates no array of half a heap region or more, which G1 would place in regions of its
     * own and count towards starting a marking cycle.
     */
    public static ByteString packIntsInPieces(int[] values, int from, int count) {
        if (count <= PIECE_INTS) {
            return packInts(values, from, count);
        }
        ByteString out = ByteString.EMPTY;
        for (int at = 0; at < count; at += PIECE_INTS) {
            out = out.concat(packInts(values, from + at, Math.min(PIECE_INTS, count - at)));
        }
        return out;
    }

    /** Longs per piece of {@link #packLongsInPieces}: 256 KiB. */
    public static final int PIECE_LONGS = 1 << 15;

    /** Packs {@code values[from .. from+count)} as {@link #packLongs} does, in pieces of at most {@link #PIECE_LONGS}. */
    public static ByteString packLongsInPieces(long[] values, int from, int count) {
        if (count <= PIECE_LONGS) {
            return packLongs(values, from, count);
        }
        ByteString out = ByteString.EMPTY;
        for (int at = 0; at < count; at += PIECE_LONGS) {
            out = out.concat(packLongs(values, from + at, Math.min(PIECE_LONGS, count - at)));
        }
        return out;
    }

    /**
     * A read-only view of {@code count} packed int64, read in place.
     *
     * @throws IllegalArgumentException if {@code packed} is not exactly {@code 8 x count} bytes
     */
    public static java.nio.LongBuffer longsView(ByteString packed, int count) {
        checkSize(packed, count, LONG_BYTES, "int64");
        return packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    }

    /** Packs {@code values[from .. from+count)} as little-endian int64. */
    public static ByteString packLongs(long[] values, int from, int count) {
        byte[] out = new byte[Math.multiplyExact(count, LONG_BYTES)];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(values, from, count);
        return UnsafeByteOperations.unsafeWrap(out);
    }

    /** Packs {@code values[from .. from+count)} as little-endian IEEE-754 float64. */
    public static ByteString packDoubles(double[] values, int from, int count) {
        byte[] out = new byte[Math.multiplyExact(count, LONG_BYTES)];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, from, count);
        return UnsafeByteOperations.unsafeWrap(out);
    }

    /**
     * Unpacks {@code count} int32 into {@code dest[0 .. count)}.
     *
     * @throws IllegalArgumentException if {@code packed} is not exactly {@code 4 x count} bytes
     */
    public static void unpackInts(ByteString packed, int count, int[] dest) {
        checkSize(packed, count, INT_BYTES, "int32");
        packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(dest, 0, count);
    }

    /**
     * A read-only view of {@code count} packed int32, read in place (no copy, no array): for a
     * receiver that looks at each value once.
     *
     * @throws IllegalArgumentException if {@code packed} is not exactly {@code 4 x count} bytes
     */
    public static java.nio.IntBuffer intsView(ByteString packed, int count) {
        checkSize(packed, count, INT_BYTES, "int32");
        return packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    }

    /**
     * Unpacks {@code count} int64 into {@code dest[0 .. count)}.
     *
     * @throws IllegalArgumentException if {@code packed} is not exactly {@code 8 x count} bytes
     */
    public static void unpackLongs(ByteString packed, int count, long[] dest) {
        checkSize(packed, count, LONG_BYTES, "int64");
        packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dest, 0, count);
    }

    /**
     * Unpacks {@code count} float64 into {@code dest[0 .. count)}.
     *
     * @throws IllegalArgumentException if {@code packed} is not exactly {@code 8 x count} bytes
     */
    public static void unpackDoubles(ByteString packed, int count, double[] dest) {
        checkSize(packed, count, LONG_BYTES, "float64");
        packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(dest, 0, count);
    }

    private static void checkSize(ByteString packed, int count, int width, String type) {
        if (count < 0 || (long) count * width != packed.size()) {
            throw new IllegalArgumentException("expected " + count + " packed " + type + " ("
                    + ((long) count * width) + " bytes), got " + packed.size() + " bytes");
        }
    }
}
