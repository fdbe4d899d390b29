package io.graphagent.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.ExpandReply;
import io.graphagent.protocol.v1.ShardLoad;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** How the gateway reads agents' answers to hops: into pooled arrays, parsed in place, given back when the query ends. */
class ReplyPoolTest {
    /** A reply as gRPC hands it over: its length known. */
    private static final class Known extends ByteArrayInputStream implements KnownLength {
        Known(byte[] bytes) {
            super(bytes);
        }
    }

    private static final ExpandReply REPLY = ExpandReply.newBuilder().setCount(3)
            .setNeighbours(PackedArrays.packInts(new int[] {7, 2, 9}, 0, 3)).addNotHeld(4)
            .setLoad(ShardLoad.newBuilder().setInFlight(2).setLatencyMicros(900)).build();

    @Test
    void aReplyIsParsedWhereItWasReadAndItsArrayIsReusedOnceItsQueryEnded() throws IOException {
        ReplyPool pool = new ReplyPool();
        ReplyPool.Bytes first = pool.expandStream.parseResponse(new Known(REPLY.toByteArray()));
        assertThat(first.pooled()).isTrue();
        ExpandReply parsed;
        try (QueryRun run = new QueryRun("g", 1000)) {
            parsed = pool.parse(first, run);
            assertThat(parsed).isEqualTo(REPLY);
            // Read in place: another reply read now, while the query runs, gets an array of its own.
            ReplyPool.Bytes during = pool.expandStream.parseResponse(new Known(REPLY.toByteArray()));
            assertThat(during.bytes()).isNotSameAs(first.bytes());
        }

        ReplyPool.Bytes after = pool.expandStream.parseResponse(new Known(REPLY.toByteArray()));

        assertThat(after.bytes()).isSameAs(first.bytes());
        try (QueryRun run = new QueryRun("g", 1000)) {
            assertThat(pool.parse(after, run)).isEqualTo(REPLY);
        }
    }

    @Test
    void aReplyOfUnknownLengthOrTooLargeForThePoolIsReadIntoAnArrayOfItsOwn() throws IOException {
        ReplyPool pool = new ReplyPool();
        ReplyPool.Bytes unknown = pool.expandStream.parseResponse(new ByteArrayInputStream(REPLY.toByteArray()));
        ExpandReply big = ExpandReply.newBuilder().setCount(1).setNeighbourBits(PackedArrays.packLongs(
                new long[ReplyPool.MAX_POOLED_BYTES / 8 + 1], 0, ReplyPool.MAX_POOLED_BYTES / 8 + 1)).build();
        ReplyPool.Bytes large = pool.expandStream.parseResponse(new Known(big.toByteArray()));

        assertThat(unknown.pooled()).isFalse();
        assertThat(large.pooled()).isFalse();
        try (QueryRun run = new QueryRun("g", 1000)) {
            assertThat(pool.parse(unknown, run)).isEqualTo(REPLY);
            assertThat(pool.parse(large, run)).isEqualTo(big);
        }
        assertThat(pool.expandStream.parseResponse(new Known(new byte[0])).length()).isZero();
    }

    @Test
    void theIdOfAReplyIsReadPastItsBytesFieldsWithoutParsingIt() throws IOException {
        ExpandReply withId = REPLY.toBuilder().setId(300_000_000_123L).setNeighbourBits(PackedArrays.packLongs(
                new long[] {-1L, 5L}, 0, 2)).setNextCount(7).setNextFresh(2).build();
        ReplyPool pool = new ReplyPool();

        assertThat(ReplyPool.idOf(pool.expandStream.parseResponse(new Known(withId.toByteArray())))).isEqualTo(300_000_000_123L);
        assertThat(ReplyPool.idOf(pool.expandStream.parseResponse(new Known(REPLY.toByteArray())))).isZero();
        assertThat(ReplyPool.idOf(pool.expandStream.parseResponse(new Known(new byte[0])))).isZero();
    }
}
