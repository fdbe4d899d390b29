package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.graph.traverse.VertexTable;
import io.graphagent.protocol.v1.ExpandRequest;
import org.junit.jupiter.api.Test;

/** When an agent answers a hop with a bitmap instead of packed ids. */
class ShardServiceBitsTest {
    private static VertexTable holding(int universe, int count) {
        VertexTable set = new VertexTable(universe);
        for (int v = 0; v < count; v++) {
            set.add(v * 7 % universe, 0);
        }
        return set;
    }

    @Test
    void aDenseAnswerWithoutParentsGoesAsBitsWhenTheGatewayReadsThem() {
        ExpandRequest bitsOk = ExpandRequest.newBuilder().setBitsOk(true).build();
        // 1,000 vertices: bits are the smaller past 1,000 / 32 = 31.25 neighbours.
        assertThat(ShardService.asBits(bitsOk, holding(1000, 32))).isTrue();
        assertThat(ShardService.asBits(bitsOk, holding(1000, 31))).isFalse();
        assertThat(ShardService.asBits(bitsOk.toBuilder().setWithParents(true).build(), holding(1000, 500))).isFalse();
        assertThat(ShardService.asBits(ExpandRequest.getDefaultInstance(), holding(1000, 500))).isFalse();
    }

    @Test
    void aTableStillHashingIsNeverSentAsBits() {
        // 100,000 vertices: the table hashes up to 1,562; 3,200 neighbours would make bits the smaller.
        VertexTable set = holding(100_000, 1_000);
        assertThat(set.usesBits()).isFalse();
        assertThat(ShardService.asBits(ExpandRequest.newBuilder().setBitsOk(true).build(), set)).isFalse();
    }
}
