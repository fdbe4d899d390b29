package io.graphagent.graph.pregel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {
    /** Enough fields of mixed widths that fields straddle the 64 KiB chunk boundary many times. */
    private static final int FIELDS = 100_000;

    @Test
    void writesTheBytesDataOutputWrites() throws IOException {
        ByteArrayOutputStream bulk = new ByteArrayOutputStream();
        CheckpointCodec.Writer w = new CheckpointCodec.Writer(new DataOutputStream(bulk));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(plain);
        for (int i = 0; i < FIELDS; i++) {
            w.putInt(i * 31);
            w.putDouble(i / 7.0);
            w.putBoolean(i % 3 == 0);
            d.writeInt(i * 31);
            d.writeDouble(i / 7.0);
            d.writeBoolean(i % 3 == 0);
        }
        w.flush();
        assertThat(bulk.toByteArray()).isEqualTo(plain.toByteArray());
    }

    @Test
    void readsItsSectionAndLeavesTheStreamAtWhatFollows() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        for (int i = 0; i < FIELDS; i++) {
            d.writeDouble(-i * 1.5);
            d.writeBoolean(i % 2 == 1);
        }
        d.writeInt(0xC0FFEE);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, FIELDS * 9L);
        for (int i = 0; i < FIELDS; i++) {
            assertThat(r.getDouble()).isEqualTo(-i * 1.5);
            assertThat(r.getBoolean()).isEqualTo(i % 2 == 1);
        }
        assertThat(in.readInt()).isEqualTo(0xC0FFEE);
    }

    @Test
    void aStreamShorterThanItsSectionIsAnEofNotGarbage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeDouble(1.0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, 18);
        assertThatThrownBy(r::getDouble).isInstanceOf(EOFException.class);
    }

    @Test
    void readingPastTheSectionIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeDouble(1.0);
        d.writeDouble(2.0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        CheckpointCodec.Reader r = new CheckpointCodec.Reader(in, 8);
        assertThat(r.getDouble()).isEqualTo(1.0);
        assertThatThrownBy(r::getDouble).isInstanceOf(EOFException.class).hasMessageContaining("ends early");
    }
}
