package io.graphagent.graph.pregel;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Bulk encoding of a partition's checkpoint: the bytes {@link DataOutput}'s {@code writeInt},
 * {@code writeLong}, {@code writeDouble} and {@code writeBoolean} would write (big-endian; a
 * boolean as one byte 0 or 1; a double's raw bits, so a long message kept in a double survives), gathered in a 64 KiB buffer and handed to the stream a buffer at a time instead of
 * one call per field. A checkpoint holds several fields per vertex, so per-field calls through
 * a stream's layers cost more than the encoding itself. Readers decode the same bytes.
 */
final class CheckpointCodec {
    private static final int CHUNK = 1 << 16;

    private CheckpointCodec() {
    }

    /** Gathers fields and writes them to {@code out} a chunk at a time; {@link #flush} at the end. */
    static final class Writer {
        private final DataOutput out;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);

        Writer(DataOutput out) {
            this.out = out;
        }

        void putInt(int value) throws IOException {
            room(Integer.BYTES).putInt(value);
        }

        void putDouble(double value) throws IOException {
            room(Double.BYTES).putLong(Double.doubleToRawLongBits(value));
        }

        void putLong(long value) throws IOException {
            room(Long.BYTES).putLong(value);
        }

        void putBoolean(boolean value) throws IOException {
            room(1).put(value ? (byte) 1 : 0);
        }

        void flush() throws IOException {
            if (buffer.position() > 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }

        private ByteBuffer room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }
    }

    /** Reads fields written by {@link Writer} (or by DataOutput) from {@code in}, a chunk at a time. */
    static final class Reader {
        private final DataInput in;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        /** Bytes of the section being read that are still in the stream. */
        private long left;

        /**
         * @param bytes how many bytes the fields to read take: the reader never reads past them,
         *     so the stream stays positioned for whatever follows
         */
        Reader(DataInput in, long bytes) {
            this.in = in;
            this.left = bytes;
            buffer.limit(0);
        }

        int getInt() throws IOException {
            return need(Integer.BYTES).getInt();
        }

        double getDouble() throws IOException {
            return Double.longBitsToDouble(need(Double.BYTES).getLong());
        }

        long getLong() throws IOException {
            return need(Long.BYTES).getLong();
        }

        boolean getBoolean() throws IOException {
            return need(1).get() != 0;
        }

        private ByteBuffer need(int bytes) throws IOException {
            if (buffer.remaining() >= bytes) {
                return buffer;
            }
            buffer.compact();
            int take = (int) Math.min(left, buffer.remaining());
            if (buffer.position() + take < bytes) {
                throw new java.io.EOFException("checkpoint section ends early");
            }
            in.readFully(buffer.array(), buffer.position(), take);
            buffer.position(buffer.position() + take);
            left -= take;
            buffer.flip();
            return buffer;
        }
    }
}
