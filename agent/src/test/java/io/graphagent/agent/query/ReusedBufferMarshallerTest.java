package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ServerServiceDefinition;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ShardGrpc;
import io.graphagent.protocol.v1.ShardLoad;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Replies written through a thread's reused array are the bytes protobuf writes, and parse back. */
class ReusedBufferMarshallerTest {
    private final ReusedBufferMarshaller<ExpandReply> marshaller = new ReusedBufferMarshaller<>(
            io.grpc.protobuf.ProtoUtils.marshaller(ExpandReply.getDefaultInstance()));

    private static ExpandReply reply(int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i * 31);
        }
        return ExpandReply.newBuilder().setCount(bytes / 4).setNeighbours(ByteString.copyFrom(b)).addNotHeld(3)
                .setLoad(ShardLoad.newBuilder().setInFlight(2).setLatencyMicros(900)).build();
    }

    @Test
    void drainedRepliesAreProtobufsBytesOneAfterAnother() throws Exception {
        // A large reply grows the thread's array; a smaller one after it must not carry its tail.
        for (int size : new int[] {16, 100_000, 40}) {
            ExpandReply r = reply(size);
            InputStream stream = marshaller.stream(r);
            assertThat(stream).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
            assertThat(stream.available()).isEqualTo(r.getSerializedSize());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(((Drainable) stream).drainTo(out)).isEqualTo(r.getSerializedSize());
            assertThat(out.toByteArray()).isEqualTo(r.toByteArray());
            assertThat(ExpandReply.parseFrom(out.toByteArray())).isEqualTo(r);
        }
    }

    @Test
    void aTransportThatReadsGetsTheSameBytes() throws Exception {
        ExpandReply r = reply(1000);
        assertThat(marshaller.stream(r).readAllBytes()).isEqualTo(r.toByteArray());
        assertThat(marshaller.parse(marshaller.stream(r))).isEqualTo(r);
    }

    @Test
    void onlyTheNamedMethodsGetTheMarshaller() {
        ServerServiceDefinition plain = new ShardGrpc.ShardImplBase() { }.bindService();
        String expand = ShardGrpc.getExpandStreamMethod().getFullMethodName();
        ServerServiceDefinition wrapped = ReusedBufferMarshaller.responsesOf(plain, Set.of(expand));
        assertThat(wrapped.getMethods()).hasSameSizeAs(plain.getMethods());
        assertThat(wrapped.getMethod(expand).getMethodDescriptor().getResponseMarshaller())
                .isInstanceOf(ReusedBufferMarshaller.class);
        String fetch = ShardGrpc.getFetchPartitionMethod().getFullMethodName();
        assertThat(wrapped.getMethod(fetch).getMethodDescriptor().getResponseMarshaller())
                .isNotInstanceOf(ReusedBufferMarshaller.class);
    }
}
