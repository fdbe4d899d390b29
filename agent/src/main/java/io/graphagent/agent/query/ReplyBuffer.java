package io.graphagent.agent.query;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One query thread's scratch for building its replies without allocating per request: the
 * packed fields of a reply (little-endian int32 and int64, the bytes {@link
 * io.graphagent.protocol.PackedArrays} writes) go into one byte array that the returned
 * {@link ByteString}s wrap in place, and the id lists a hop needs on the way are int arrays kept
 * from one request to the next.
 *
 * <p>What a {@link ByteString} of this buffer holds is valid until {@link #reset}: a reply built
 * from it must be sent before the thread's next request resets it. A gRPC server call serializes
 * a reply into its transport's buffers within {@code onNext}, on the calling thread, so a query
 * thread that resets at the start of each request never overwrites bytes still to be sent.
 * Arrays grow as a request needs; after one larger than the {@code KEEP_} bounds the next
 * {@link #reset} gives them back. Not thread-safe: one per thread.
 */
final class ReplyBuffer {
    /** Bytes kept for the next request: 4 MiB, a scale-25 bitmap. */
    static final int KEEP_BYTES = 4 << 20;
    /** Ints kept per id array: 4 MiB each. */
    static final int KEEP_INTS = 1 << 20;
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] bytes = new byte[1 << 16];
    private int used;
    private int[] ids = new int[1 << 12];
    private int[] unexpanded = new int[1 << 12];
    private boolean[] notHeld = new boolean[0];

    /** Starts a request: what the last reply's byte strings held may be overwritten now. */
    void reset() {
        used = 0;
        if (bytes.length > KEEP_BYTES) {
            bytes = new byte[KEEP_BYTES];
        }
        if (ids.length > KEEP_INTS) {
            ids = new int[KEEP_INTS];
        }
        if (unexpanded.length > KEEP_INTS) {
            unexpanded = new int[KEEP_INTS];
        }
    }

    /** {@code values[from .. from+count)} packed as little-endian int32, wrapped in place. */
    ByteString ints(int[] values, int from, int count) {
        int at = room(Math.multiplyExact(count, Integer.BYTES));
        for (int i = 0; i < count; i++) {
            INTS.set(bytes, at + i * Integer.BYTES, values[from + i]);
        }
        return UnsafeByteOperations.unsafeWrap(bytes, at, count * Integer.BYTES);
    }

    /** {@code values[from .. from+count)} packed as little-endian int64, wrapped in place. */
    ByteString longs(long[] values, int from, int count) {
        int at = room(Math.multiplyExact(count, Long.BYTES));
        for (int i = 0; i < count; i++) {
            LONGS.set(bytes, at + i * Long.BYTES, values[from + i]);
        }
        return UnsafeByteOperations.unsafeWrap(bytes, at, count * Long.BYTES);
    }

    /** Where {@code n} more bytes go: after those used, or at the start of a larger array (the old one stays with the byte strings wrapping it). */
    private int room(int n) {
        if (bytes.length - used < n) {
            bytes = new byte[Math.max(n, (int) Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length))];
            used = 0;
        }
        int at = used;
        used += n;
        return at;
    }

    /** An int array of at least {@code n} for a hop's ids, its contents undefined. */
    int[] ids(int n) {
        if (ids.length < n) {
            ids = new int[Math.max(n, ids.length * 2)];
        }
        return ids;
    }

    /** An int array of at least {@code n} for the vertices a hop taken further left unexpanded, its contents undefined. */
    int[] unexpanded(int n) {
        if (unexpanded.length < n) {
            unexpanded = new int[Math.max(n, unexpanded.length * 2)];
        }
        return unexpanded;
    }

    /** A flag per partition, all false. */
    boolean[] notHeld(int partitions) {
        if (notHeld.length != partitions) {
            notHeld = new boolean[partitions];
        } else {
            Arrays.fill(notHeld, false);
        }
        return notHeld;
    }
}
