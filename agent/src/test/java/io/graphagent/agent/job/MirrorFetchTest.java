package io.graphagent.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.kernels.KernelParameters;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.IdBlocks;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.partition.ShareBuilder;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.testing.FakeTicker;
import io.graphagent.net.testing.LoopbackGrpcServer;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import io.graphagent.protocol.v1.StartSuperstep;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The peers' mirror lists asked in the background from a job epoch's first superstep and waited
 * for at its first mirrored pull: over a real data-plane channel on 127.0.0.1, page by page;
 * a silent peer ends the wait at the exchange's deadline on the ticker, a refusing one fails
 * the mirrored exchange naming it, and a rollback or release ends the calls in flight.
 */
class MirrorFetchTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** Ring vertices; every one points to the hub, so the hub's owner mirrors them all: two pages. */
    private static final int VERTICES = PeerMirrors.MAX_RANKS + 1000;
    private static final long HUB = 1L << 20;
    private static final long EPOCH = 3;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final FakeTicker ticker = new FakeTicker();
    @RegisterExtension
    final LoopbackGrpcServer peerServer = new LoopbackGrpcServer();
    /** What the peer was asked, in order. */
    private final List<ResolveRequest> asked = new CopyOnWriteArrayList<>();
    /** Calls of the peer's that ended cancelled by this agent. */
    private final AtomicInteger cancelled = new AtomicInteger();
    private final Graph graph = star();
    private final IdBlocks blocks = IdBlocks.covering(0, HUB);
    private final Partitioning partitioning = Partitioning.ofBlocks(graph, blocks,
            new int[] {0, blocks.blockOf(HUB), blocks.count()});
    private final Kernel kernel = Kernels.create(Algorithm.PAGERANK, graph, new KernelParameters(0, 5, 0.85));
    private final PartitionRunner peer = new PartitionRunner(ShareBuilder.of(graph, partitioning, new int[] {1}),
            kernel.program(), pool);
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        pool.shutdownNow();
    }

    @Test
    void theFirstSuperstepAsksThePeerWhoseListArrivesInPagesBeforeTheExchangeWaitsForIt() throws Exception {
        AgentJob job = jobWithPeer(this::answerFromThePeersShare);
        job.learnMirrors();
        job.compute(StartSuperstep.newBuilder().setSuperstep(0).build());
        // No exchange yet: the calls went beside compute. Asked once per job (epoch) only.
        job.learnMirrors();
        await().atMost(Duration.ofSeconds(30)).until(() -> asked.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 2);
        assertThat(asked).extracting(ResolveRequest::getFirst).containsExactly(0, PeerMirrors.MAX_RANKS);
        assertThat(asked).allSatisfy(r -> {
            assertThat(r.getMirrors()).isTrue();
            assertThat(r.getJobEpoch()).as("asked at the job's epoch").isEqualTo(EPOCH);
            assertThat(r.getPartition()).isZero();
        });
    }

    @Test
    void theListsOfEveryOwnedPartitionAreAskedAtOnceAndAreThePeersOwnMirrors() throws Exception {
        // Partitions 0 and 1 halve the ring (this agent's), 2 holds the hub (the peer's).
        Partitioning three = Partitioning.ofBlocks(graph, blocks,
                new int[] {0, blocks.blockOf(VERTICES / 2), blocks.blockOf(HUB), blocks.count()});
        PartitionRunner hubOwner = new PartitionRunner(ShareBuilder.of(graph, three, new int[] {2}), kernel.program(), pool);
        List<Runnable> held = new java.util.ArrayList<>();
        // The peer answers nothing before both lists' first calls are in: asked one after the other, they never would be.
        // Calls arrive on several server threads: each answer is run once, by whichever call finds both in.
        PeerSender sender = peerSender((request, answer) -> {
            List<Runnable> due;
            synchronized (held) {
                held.add(() -> {
                    answer.onNext(PeerMirrors.answer(request, hubOwner, "job", EPOCH));
                    answer.onCompleted();
                });
                if (asked.size() < 2) {
                    return;
                }
                due = List.copyOf(held);
                held.clear();
            }
            due.forEach(Runnable::run);
        });
        MirrorFetch fetch = MirrorFetch.start("job", EPOCH, three, new int[] {0, 1}, Map.of("agent-2", sender), TIMEOUT, ticker);
        PeerMirrors mirrors = fetch.await(ticker.nanos() + TIMEOUT.toNanos(), () -> false);

        for (int p = 0; p < 2; p++) {
            assertThat(mirrors.of("agent-2")[p]).as("partition %d", p).isNotEmpty()
                    .isEqualTo(hubOwner.mirrorRanks(p, 0, hubOwner.mirrorCount(p)));
        }
        assertThat(mirrors.of("agent-2")[0].length + mirrors.of("agent-2")[1].length).isEqualTo(VERTICES);
        assertThat(mirrors.of("agent-2")[2]).as("a partition this agent does not own").isNull();
        assertThat(fetch.tookNanos()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aPeerThatNeverAnswersEndsTheWaitAtTheDeadlineOnTheTickerNamingItAndItsCallIsCancelled() throws Exception {
        MirrorFetch fetch = MirrorFetch.start("job", EPOCH, partitioning, new int[] {0}, Map.of("agent-2", peerSender(
                this::neverAnswer)), TIMEOUT, ticker);
        long deadline = ticker.nanos() + TIMEOUT.toNanos();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> failureOf(() -> fetch.await(deadline,
                () -> false)), pool);
        await().atMost(Duration.ofSeconds(30)).until(() -> asked.size() == 1);

        ticker.advance(TIMEOUT.minusSeconds(1));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());
        ticker.advance(Duration.ofSeconds(2));

        Throwable failed = outcome.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(failed).isInstanceOf(ExchangeFailedException.class)
                .hasMessageContaining("no mirror lists from [agent-2] of job job at epoch 3")
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(((ExchangeFailedException) failed).peer).isEqualTo("agent-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> cancelled.get() == 1);
    }

    @Test
    void aRollbackEndsTheCallInFlightAndTheExchangeWaitingForIt() throws Exception {
        AgentJob job = jobWithPeer(this::neverAnswer);
        job.learnMirrors();
        job.compute(StartSuperstep.newBuilder().setSuperstep(0).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> asked.size() == 1);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> failureOf(
                () -> job.exchange(mirroredPull())), pool);

        job.supersede();

        Throwable failed = outcome.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(failed).isInstanceOf(ExchangeFailedException.class).hasMessageContaining("superseded by a rollback");
        assertThat(((ExchangeFailedException) failed).peer).isEqualTo("(none)");
        await().atMost(Duration.ofSeconds(30)).until(() -> cancelled.get() == 1);
    }

    @Test
    void aReleasedJobsCallInFlightIsCancelled() throws Exception {
        AgentJob job = jobWithPeer(this::neverAnswer);
        job.learnMirrors();
        job.compute(StartSuperstep.newBuilder().setSuperstep(0).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> asked.size() == 1);

        job.closeEarly("job released");

        await().atMost(Duration.ofSeconds(30)).until(() -> cancelled.get() == 1);
    }

    @Test
    void aPeerThatRefusesTheQuestionFailsTheMirroredExchangeNamingIt() throws Exception {
        AgentJob job = jobWithPeer((request, answer) -> answer.onError(Status.NOT_FOUND
                .withDescription("this agent holds no job job").asRuntimeException()));
        job.learnMirrors();
        job.compute(StartSuperstep.newBuilder().setSuperstep(0).build());

        assertThatThrownBy(() -> job.exchange(mirroredPull())).isInstanceOf(ExchangeFailedException.class)
                .hasMessageContaining("cannot learn the mirrors of partition 0 from agent agent-2: NOT_FOUND this agent holds no job job")
                .satisfies(e -> assertThat(((ExchangeFailedException) e).peer).isEqualTo("agent-2"));
        assertThat(asked).hasSize(1);
    }

    private static Exchange mirroredPull() {
        return Exchange.newBuilder().setSuperstep(0).setPull(true).setPullFromAll(true).setCompactBroadcasts(true)
                .setMirroredBroadcasts(true).build();
    }

    private void answerFromThePeersShare(ResolveRequest request, StreamObserver<ResolveResponse> answer) {
        answer.onNext(PeerMirrors.answer(request, peer, "job", EPOCH));
        answer.onCompleted();
    }

    private void neverAnswer(ResolveRequest request, StreamObserver<ResolveResponse> answer) {
        ((ServerCallStreamObserver<ResolveResponse>) answer).setOnCancelHandler(cancelled::incrementAndGet);
    }

    /** The peer's data plane, answering Resolve with {@code answers}; the channel to it. */
    private PeerSender peerSender(java.util.function.BiConsumer<ResolveRequest, StreamObserver<ResolveResponse>> answers)
            throws Exception {
        DataPlaneGrpc.DataPlaneImplBase service = new DataPlaneGrpc.DataPlaneImplBase() {
            @Override
            public void resolve(ResolveRequest request, StreamObserver<ResolveResponse> answer) {
                asked.add(request);
                answers.accept(request, answer);
            }
        };
        channel = NettyChannelBuilder.forTarget(peerServer.start(service)).usePlaintext().build();
        return new PeerSender("agent-2", channel, Duration.ofSeconds(60));
    }

    /** agent-1 owns the ring's partition 0; agent-2, the hub's partition 1, answers with {@code answers}. */
    private AgentJob jobWithPeer(java.util.function.BiConsumer<ResolveRequest, StreamObserver<ResolveResponse>> answers)
            throws Exception {
        PeerSender sender = peerSender(answers);
        GraphShare share = ShareBuilder.of(graph, partitioning, new int[] {0});
        PartitionRunner runner = new PartitionRunner(share, kernel.program(), pool);
        return new AgentJob("job", "agent-1", share, kernel, new OutputLabels(share), runner, new int[] {0},
                Map.of("agent-2", new int[] {1}), Map.of("agent-2", sender), new String[] {"agent-1", "agent-2"}, TIMEOUT,
                EPOCH, ticker);
    }

    /** What {@code run} threw, or null. */
    private static Throwable failureOf(ThrowingRun run) {
        try {
            run.run();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @FunctionalInterface
    private interface ThrowingRun {
        void run() throws Exception;
    }

    /** Vertices 0 .. VERTICES-1, each with one edge to the hub (id {@link #HUB}). */
    private static Graph star() {
        int n = VERTICES + 1;
        long[] ids = new long[n];
        Arrays.setAll(ids, i -> i < VERTICES ? i : HUB);
        int[] outOffsets = new int[n + 1];
        Arrays.setAll(outOffsets, i -> Math.min(i, VERTICES));
        int[] outTargets = new int[VERTICES];
        Arrays.fill(outTargets, VERTICES);
        int[] inOffsets = new int[n + 1];
        inOffsets[n] = VERTICES;
        int[] inSources = new int[VERTICES];
        Arrays.setAll(inSources, i -> i);
        return new Graph(true, ids, outOffsets, outTargets, null, inOffsets, inSources, null, VERTICES);
    }
}
