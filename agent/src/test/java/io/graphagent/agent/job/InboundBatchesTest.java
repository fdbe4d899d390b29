package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.api.VertexProgram;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving half's barrier between supersteps: a peer closes its streams of a superstep
 * right after computing it, so its next superstep's batches can come before this agent's own
 * exchange of the last one even began; they are filed only once that exchange ended.
 */
class InboundBatchesTest {
    private static final int PARTITIONS = 4;
    private static final long EPOCH = 1;
    private static final String PEER = "agent-2";

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aLaterSuperstepsBatchThatComesBeforeThisAgentsExchangeBeganWaitsUntilThatExchangeEnded() throws Exception {
        InboundBatches inbound = inbound();
        inbound.filing(0);

        assertThat(inbound.accept(message(1))).as("the peer's superstep 1, sent before this agent exchanged 0")
                .isEqualTo(BatchRefusal.BATCH_REFUSAL_NONE);
        assertThat(inbound.accept(message(0))).isEqualTo(BatchRefusal.BATCH_REFUSAL_NONE);
        inbound.senderDone(PEER, 0);
        inbound.filing(0);
        inbound.awaitSenders(0, deadline());
        InboundBatches.Received zero = inbound.exchangeEnded(0);

        assertThat(zero.messages()).as("superstep 0 delivers its own message only").isEqualTo(1);
        inbound.filing(1);
        inbound.senderDone(PEER, 1);
        inbound.awaitSenders(1, deadline());
        assertThat(inbound.exchangeEnded(1).messages()).as("the parked one counts towards superstep 1").isEqualTo(1);
    }

    @Test
    void beforeTheFirstComputeEveryBatchIsFiledAtOnce() throws Exception {
        InboundBatches inbound = inbound();

        inbound.accept(message(3));
        inbound.senderDone(PEER, 3);
        inbound.filing(3);
        inbound.awaitSenders(3, deadline());

        assertThat(inbound.exchangeEnded(3).messages()).isEqualTo(1);
    }

    private InboundBatches inbound() {
        Graph graph = EarlyBroadcastsTest.ring(400);
        VertexProgram pageRank = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85)).program();
        PartitionRunner runner = new PartitionRunner(ShareBuilder.of(graph, Partitioning.balanced(graph, PARTITIONS),
                new int[] {0, 1}), pageRank, pool);
        return new InboundBatches(new BatchCheck(EPOCH, runner.partitioning(), new int[] {0, 1}, new int[PARTITIONS]),
                runner, Set.of(PEER), Duration.ofSeconds(30), Ticker.system(), new SuperstepTimings());
    }

    /** One message from the peer's partition 2 to member 0 of this agent's partition 0. */
    private static MessageBatch message(int superstep) {
        return MessageBatch.newBuilder().setJobId("job").setJobEpoch(EPOCH).setSuperstep(superstep)
                .setSenderAgent(PEER).setKind(BatchKind.MESSAGES).setSourcePartition(2).setTargetPartition(0)
                .setCount(1).setTargets(PackedArrays.packInts(new int[] {0}, 0, 1))
                .setValues(PackedArrays.packDoubles(new double[] {0.5}, 0, 1)).build();
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }
}
