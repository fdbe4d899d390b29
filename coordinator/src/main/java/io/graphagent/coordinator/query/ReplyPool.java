package io.graphagent.coordinator.query;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ExpandRequest;
import io.graphagent.protocol.v1.ShardGrpc;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The agents' answers to hops kept in byte arrays pooled across queries. gRPC's default parser
 * copies each bytes field of a reply (the neighbours, the bitmaps) out of its read buffer: an
 * allocation as large as the reply, for every reply. Here the network thread reads the reply
 * into a pooled array ({@link #EXPAND}'s response marshaller); the query's thread parses it
 * with its bytes fields aliasing that array ({@link #parse}) and hands the array to its
 * {@link QueryRun}, which gives it back when the query ends. A reply never outlives its query:
 * the gateway's answers are built from copies. An array not given back (a query that failed
 * before reading every answer) is left to the GC. Thread-safe.
 */
final class ReplyPool {
    /** Arrays kept: a few per query in flight. */
    static final int ARRAYS = 64;
    /** Larger replies get an array of their own, not kept: 256 KiB, under G1's humongous size at 1 MiB regions. */
    static final int MAX_POOLED_BYTES = 256 << 10;
    /** The smallest array made for the pool, so that arrays fit the replies after them. */
    static final int MIN_POOLED_BYTES = 4 << 10;
    private static final byte[] EMPTY = {};

    /** The tag of ExpandReply.id (a varint). */
    private static final int ID_TAG = ExpandReply.ID_FIELD_NUMBER << 3;

    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(ARRAYS);

    /** Shard.ExpandStream with its replies left as bytes, to be matched by {@link #idOf} and parsed by {@link #parse}. */
    final MethodDescriptor<ExpandRequest, Bytes> expandStream = ShardGrpc.getExpandStreamMethod().toBuilder(
            ProtoUtils.marshaller(ExpandRequest.getDefaultInstance()), new BytesMarshaller()).build();

    /** A reply's bytes, {@code bytes[0..length)}; {@code pooled} when the array is the pool's. */
    record Bytes(byte[] bytes, int length, boolean pooled) {
    }

    /** The reply in {@code raw}, its bytes fields aliasing {@code raw}'s array, which {@code run} keeps until it ends. */
    ExpandReply parse(Bytes raw, QueryRun run) throws IOException {
        if (raw.pooled()) {
            run.keep(this, raw.bytes());
        }
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(raw.bytes(), 0, raw.length()).newCodedInput();
        in.enableAliasing(true);
        return ExpandReply.parseFrom(in);
    }

    /**
     * The {@code id} of the reply in {@code raw} (0 when it has none or does not parse), read on
     * the network thread without parsing the rest: protobuf's reader walks the tags and skips
     * the other fields (the bytes fields by moving past them).
     */
    static long idOf(Bytes raw) {
        CodedInputStream in = CodedInputStream.newInstance(raw.bytes(), 0, raw.length());
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == ID_TAG) {
                    return in.readUInt64();
                }
                if (!in.skipField(tag)) {
                    return 0;
                }
            }
        } catch (IOException e) {
            // A reply cut short: no id; its waiter times out.
        }
        return 0;
    }

    /** Takes back an array of {@link #parse}, no longer read. */
    void giveBack(byte[] bytes) {
        free.offer(bytes);
    }

    private byte[] take(int length) {
        byte[] b = free.poll();
        if (b != null && b.length >= length) {
            return b;
        }
        // Too small (dropped) or none: one that fits this reply and most after it.
        return new byte[Math.min(MAX_POOLED_BYTES, Math.max(MIN_POOLED_BYTES, Integer.highestOneBit(length - 1) << 1))];
    }

    /** Reads a reply's bytes on the network thread: into a pooled array when its length is known and fits. */
    private final class BytesMarshaller implements MethodDescriptor.Marshaller<Bytes> {
        @Override
        public InputStream stream(Bytes value) {
            throw new UnsupportedOperationException("replies are only read");
        }

        @Override
        public Bytes parse(InputStream stream) {
            try {
                int length = stream instanceof KnownLength ? stream.available() : -1;
                if (length == 0) {
                    return new Bytes(EMPTY, 0, false);
                }
                if (length < 0 || length > MAX_POOLED_BYTES) {
                    byte[] all = stream.readAllBytes();
                    return new Bytes(all, all.length, false);
                }
                byte[] b = take(length);
                if (stream.readNBytes(b, 0, length) != length) {
                    throw new IOException("the reply ended before its " + length + " bytes");
                }
                return new Bytes(b, length, true);
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("cannot read an Expand reply: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            }
        }
    }
}
