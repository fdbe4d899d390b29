package io.graphagent.agent.job;

import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.IdService;
import io.graphagent.agent.load.IdAnswers;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.partition.GraphShare;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.net.time.Ticker;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.OutputChunk;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One job on one agent: its share of the graph, its kernel, the runner of its owned partitions and the
 * peers it exchanges with. Driven by the agent's job thread, one command at a time, it orders each
 * superstep's compute and exchange and delegates the halves of the exchange: what goes to the peers
 * ({@link OutgoingBatches}) and what comes from them, with the barrier ({@link InboundBatches}), which
 * the data-plane threads fill concurrently ({@link BatchTarget}). The output lines are {@link OutputText}'s.
 */
final class AgentJob implements BatchTarget, IdService {
    private final String jobId;
    private final GraphShare share;
    private final OutputLabels labels;
    /** The agent owning each partition. */
    private final String[] ownerOf;
    private final Kernel kernel;
    private final PartitionRunner runner;
    private final int[] owned;
    private final Map<String, PeerSender> peers;
    private final Duration exchangeTimeout;
    /** Reads every deadline and timing of this job's exchanges. */
    private final Ticker ticker;
    private final long epoch;
    private final SuperstepTimings timings = new SuperstepTimings();
    private final InboundBatches inbound;
    private final OutgoingBatches outgoing;

    /**
     * @param epoch the job epoch: raised by every rollback; batches of another epoch are refused
     * @param ticker the agent's monotonic time: exchange deadlines and the superstep timings
     */
    AgentJob(String jobId, String agentId, GraphShare share, Kernel kernel, OutputLabels labels, PartitionRunner runner,
             int[] owned, Map<String, int[]> peerPartitions, Map<String, PeerSender> peers, String[] ownerOf,
             Duration exchangeTimeout, long epoch, Ticker ticker) {
        this.ticker = ticker;
        this.labels = labels;
        this.ownerOf = ownerOf;
        this.epoch = epoch;
        this.jobId = jobId;
        this.share = share;
        this.kernel = kernel;
        this.runner = runner;
        this.owned = owned;
        this.peers = peers;
        this.exchangeTimeout = exchangeTimeout;
        this.inbound = new InboundBatches(new BatchCheck(epoch, runner.partitioning(), owned, mirrorCounts(runner)), runner,
                peers.keySet(),
                exchangeTimeout, ticker, timings);
        this.outgoing = new OutgoingBatches(jobId, agentId, epoch, runner, owned, peerPartitions, peers, exchangeTimeout,
                ticker, timings, inbound::isSuperseded);
    }

    /** How many vertices of each partition the runner mirrors. */
    private static int[] mirrorCounts(PartitionRunner runner) {
        int[] counts = new int[runner.partitioning().count()];
        for (int p = 0; p < counts.length; p++) {
            counts[p] = runner.mirrorCount(p);
        }
        return counts;
    }

    int[] owned() {
        return owned;
    }

    long epoch() {
        return epoch;
    }

    String jobId() {
        return jobId;
    }

    OutputLabels labels() {
        return labels;
    }

    String[] ownerOf() {
        return ownerOf;
    }

    /** Before output: learns the original ids of the remote vertices the values name (labels). */
    void learnLabels(io.graphagent.agent.load.IdLookup lookup) throws io.graphagent.agent.load.LoadException {
        if (kernel.valuesNameVertices()) {
            labels.learn(runner.values(), ownerOf, peers, lookup);
        }
    }

    Kernel kernel() {
        return kernel;
    }

    PartitionRunner runner() {
        return runner;
    }

    /** Ends a running exchange at once: a rollback replaces this job's state. */
    void supersede() {
        inbound.supersede();
        outgoing.stopMirrorFetch("superseded by a rollback");
    }

    boolean isSuperseded() {
        return inbound.isSuperseded();
    }

    GraphShare share() {
        return share;
    }

    long ownedVertices() {
        return share.ownedVertices();
    }

    long edgeSlots() {
        return runner.edgeSlots();
    }

    long verticesWithOutEdges() {
        return runner.verticesWithOutEdges();
    }

    /**
     * As a superstep starts (every peer holds the job at this epoch): asks the peers for their
     * mirror lists in the background, once per job epoch ({@link OutgoingBatches#learnMirrors}).
     */
    void learnMirrors() {
        outgoing.learnMirrors();
    }

    SuperstepDone compute(StartSuperstep start) {
        long t0 = ticker.nanos();
        int aggregatorCount = kernel.shape().aggregatorCount();
        double[] aggregated = new double[aggregatorCount];
        for (int i = 0; i < aggregatorCount && i < start.getAggregateValuesCount(); i++) {
            aggregated[i] = start.getAggregateValues(i);
        }
        inbound.filing(start.getSuperstep());
        SuperstepStats stats = outgoing.compute(start.getSuperstep(), aggregated, start.getGraphEdgeSlots());
        timings.computed(t0, ticker.nanos());
        SuperstepDone.Builder done = SuperstepDone.newBuilder()
                .setSuperstep(start.getSuperstep())
                .setActiveVertices(stats.stillActive())
                .setMessagesSent(stats.sent())
                .setComputedVertices(stats.computed())
                .setBroadcastEdges(stats.broadcastEdges())
                .setBroadcastersWithOutEdges(stats.broadcastersWithOutEdges());
        for (int p : owned) {
            if (aggregatorCount > 0) {
                done.addPartials(partials(runner, p, aggregatorCount));
            }
        }
        return done.setComputeTimeMs(TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - t0)).build();
    }

    /**
     * Partition {@code p}'s aggregate partials, block by block. A method of its own: its loop
     * runs over every block of the partition, and inside {@link #compute} (one call a superstep)
     * the JIT compiled the whole of compute on the stack (OSR), and again in later jobs
     * (docs/performance.md, branch prjit).
     */
    private static PartitionAggregates partials(PartitionRunner runner, int p, int aggregatorCount) {
        Partitioning partitioning = runner.partitioning();
        PartitionAggregates.Builder partial = PartitionAggregates.newBuilder().setPartitionId(p)
                .setFirstBlock(partitioning.firstBlock(p));
        for (int b = partitioning.firstBlock(p); b < partitioning.endBlock(p); b++) {
            for (int i = 0; i < aggregatorCount; i++) {
                partial.addValues(runner.aggregatePartial(b, i));
            }
        }
        return partial.build();
    }

    /** Right after compute: sends this superstep's broadcasts before the exchange when it may ({@link OutgoingBatches#sendBroadcastsEarly}). */
    void sendBroadcastsEarly() {
        outgoing.sendBroadcastsEarly();
    }

    /**
     * Cancels early broadcasts that no exchange will close, and the mirror lists' calls in flight
     * (the job is released, replaced, rolled back, or writes its output).
     */
    void closeEarly(String why) {
        outgoing.closeEarly(why);
        outgoing.stopMirrorFetch(why);
    }

    /** Ships this superstep's messages, waits for every peer's, delivers; throws when a peer fails. */
    ExchangeDone exchange(Exchange exchange) throws ExchangeFailedException {
        long t0 = ticker.nanos();
        int superstep = exchange.getSuperstep();
        timings.exchangeStarted(t0);
        if (exchange.getPushBroadcasts()) {
            runner.pushBroadcasts();
            timings.took(SuperstepTimings.Phase.PUSH, ticker.nanos() - t0);
        }
        inbound.filing(superstep);
        OutgoingBatches.Sending sending = outgoing.open(exchange);
        long deadline = ticker.nanos() + exchangeTimeout.toNanos();
        sending.run(deadline);
        long acked = ticker.nanos();
        timings.took(SuperstepTimings.Phase.SEND, acked - t0);
        inbound.awaitSenders(superstep, deadline);
        long in = ticker.nanos();
        timings.took(SuperstepTimings.Phase.WAIT_PEERS, in - acked);
        runner.deliver();
        runner.advance(new Delivery(exchange.getPull(), exchange.getPullFromAll()));
        timings.took(SuperstepTimings.Phase.DELIVER, ticker.nanos() - in);
        long bytesSent = sending.bytes();
        InboundBatches.Received received = inbound.exchangeEnded(superstep);
        outgoing.exchanged();
        long end = ticker.nanos();
        timings.exchangeEnded(jobId, superstep, end, bytesSent, received.bytes());
        return ExchangeDone.newBuilder().setSuperstep(superstep).setMessagesReceived(received.messages())
                .setBytesSent(bytesSent).setBytesReceived(received.bytes())
                .setExchangeTimeMs(TimeUnit.NANOSECONDS.toMillis(end - t0)).build();
    }

    @Override
    public BatchRefusal accept(MessageBatch batch) {
        return inbound.accept(batch);
    }

    @Override
    public void senderDone(String sender, int superstep) {
        inbound.senderDone(sender, superstep);
    }

    /** Formats the owned partitions' final values as Graphalytics lines, in chunks of about {@code chunkBytes}. */
    void output(int chunkBytes, Consumer<OutputChunk> sink) {
        OutputText.write(share, runner, kernel, owned, chunkBytes, sink);
    }

    @Override
    public ResolveResponse resolve(ResolveRequest request) {
        if (request.getMirrors()) {
            return PeerMirrors.answer(request, runner, jobId, epoch);
        }
        Partitioning partitioning = runner.partitioning();
        return IdAnswers.answer(request, partitioning.count(), jobId, epoch, p -> {
            if (!share.owns(p) || share.ownedIds() == null) {
                return null;
            }
            int first = share.firstSlot(p);
            return new IdAnswers.Slice(share.ownedIds(), first, first + partitioning.size(p));
        });
    }

    /** The data address of peer {@code peer} (an agent id), if this job exchanges with it. */
    Optional<HostAndPort> peerAddress(String peer) {
        PeerSender sender = peers.get(peer);
        return sender == null ? Optional.empty() : Optional.of(sender.address());
    }
}
