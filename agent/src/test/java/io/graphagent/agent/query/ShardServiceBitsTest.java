package io.graphagent.agent.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When an agent answers a hop read without parents with a bitmap instead of packed ids. */
class ShardServiceBitsTest {
    @Test
    void aHopGoesAsBitsOnceTheyAreSmallerThanFourBytesPerNeighbour() {
        // 1,000 vertices: 16 words, 128 bytes; packed ids are the larger past 1,000 / 32 = 31.25 neighbours.
        assertThat(ShardService.asBits(32, 1000)).isTrue();
        assertThat(ShardService.asBits(31, 1000)).isFalse();
        assertThat(ShardService.asBits(0, 0)).isFalse();
        // Scale 20: 131,072 bytes of bits against 4 bytes per neighbour.
        assertThat(ShardService.asBits(32_768, 1 << 20)).isFalse();
        assertThat(ShardService.asBits(32_769, 1 << 20)).isTrue();
    }
}
