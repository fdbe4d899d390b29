package io.graphagent.agent.job;

import com.google.protobuf.ByteString;
import io.graphagent.agent.dataplane.BatchFeed;
import io.graphagent.agent.dataplane.BatchTarget;
import io.graphagent.agent.dataplane.PeerSender;
import io.graphagent.graph.csr.Graph;
import io.graphagent.graph.kernels.Kernel;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.OutputChunk;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One job on one agent: its graph, its kernel, the runner of its owned partitions and the
 * peers it exchanges with. Driven by the agent's job thread, one command at a time; the
 * data-plane threads file peers' batches into it concurrently ({@link BatchTarget}).
 */
final class AgentJob implements BatchTarget {
    private final String jobId;
    private final String agentId;
    private final Graph graph;
    private final Kernel kernel;
    private final PartitionRunner runner;
    private final int[] owned;
    private final Map<String, int[]> peerPartitions;
    private final Map<String, PeerSender> peers;
    private final Duration exchangeTimeout;
    private final long epoch;

    /** Senders done per superstep; guarded by itself. */
    private final Map<Integer, Set<String>> sendersDone = new HashMap<>();
    private long received;
    private long bytesReceived;

    /** Set when a newer command supersedes a running exchange (a rollback); guarded by sendersDone. */
    private boolean superseded;

    private final SuperstepTimings timings = new SuperstepTimings();

    /**
     * @param epoch the job epoch: raised by every rollback; batches of another epoch are refused
     */
    AgentJob(String jobId, String agentId, Graph graph, Kernel kernel, PartitionRunner runner, int[] owned,
             Map<String, int[]> peerPartitions, Map<String, PeerSender> peers, Duration exchangeTimeout, long epoch) {
        this.epoch = epoch;
        this.jobId = jobId;
        this.agentId = agentId;
        this.graph = graph;
        this.kernel = kernel;
        this.runner = runner;
        this.owned = owned;
        this.peerPartitions = peerPartitions;
        this.peers = peers;
        this.exchangeTimeout = exchangeTimeout;
    }

    int[] owned() {
        return owned;
    }

    long epoch() {
        return epoch;
    }

    Kernel kernel() {
        return kernel;
    }

    PartitionRunner runner() {
        return runner;
    }

    /** Ends a running exchange at once: a rollback replaces this job's state. */
    void supersede() {
        synchronized (sendersDone) {
            superseded = true;
            sendersDone.notifyAll();
        }
    }

    Graph graph() {
        return graph;
    }

    long ownedVertices() {
        long n = 0;
        for (int p : owned) {
            n += runner.partitioning().members(p).length;
        }
        return n;
    }

    long edgeSlots() {
        return runner.edgeSlots();
    }

    long verticesWithOutEdges() {
        return runner.verticesWithOutEdges();
    }

    SuperstepDone compute(StartSuperstep start) {
        long t0 = System.nanoTime();
        int aggregatorCount = kernel.program().aggregators().length;
        double[] aggregated = new double[aggregatorCount];
        for (int i = 0; i < aggregatorCount && i < start.getAggregateValuesCount(); i++) {
            aggregated[i] = start.getAggregateValues(i);
        }
        SuperstepStats stats = runner.compute(start.getSuperstep(), aggregated);
        timings.computed(t0, System.nanoTime());
        SuperstepDone.Builder done = SuperstepDone.newBuilder()
                .setSuperstep(start.getSuperstep())
                .setActiveVertices(stats.stillActive())
                .setMessagesSent(stats.sent())
                .setComputedVertices(stats.computed())
                .setBroadcastEdges(stats.broadcastEdges())
                .setBroadcastersWithOutEdges(stats.broadcastersWithOutEdges());
        for (int p : owned) {
            PartitionAggregates.Builder partial = PartitionAggregates.newBuilder().setPartitionId(p);
            for (int i = 0; i < aggregatorCount; i++) {
                partial.addValues(runner.aggregatePartial(p, i));
            }
            done.addPartials(partial);
        }
        return done.setComputeTimeMs(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).build();
    }

    /** Ships this superstep's messages, waits for every peer's, delivers; throws when a peer fails. */
    ExchangeDone exchange(Exchange exchange) throws ExchangeFailedException {
        long t0 = System.nanoTime();
        int superstep = exchange.getSuperstep();
        timings.exchangeStarted(t0);
        if (exchange.getPushBroadcasts()) {
            runner.pushBroadcasts();
            timings.took(SuperstepTimings.Phase.PUSH, System.nanoTime() - t0);
        }
        MessageBatch header = MessageBatch.newBuilder().setJobId(jobId).setSuperstep(superstep).setEpoch(epoch)
                .setSenderAgent(agentId).setKind(BatchKind.MESSAGES).build();
        List<PeerSender> senders = new ArrayList<>();
        List<BatchStream> streams = new ArrayList<>();
        for (Map.Entry<String, PeerSender> peer : peers.entrySet()) {
            streams.add(new BatchStream(header, runner, owned, peerPartitions.get(peer.getKey()), exchange.getPull(),
                    exchange.getCompactBroadcasts(), timings::exported));
            senders.add(peer.getValue());
        }
        long deadline = System.nanoTime() + exchangeTimeout.toNanos();
        try {
            new BatchFeed().feed(senders, streams, deadline, this::isSuperseded);
        } catch (BatchFeed.FeedFailedException e) {
            throw new ExchangeFailedException(e.peer(), e.getCause());
        }
        long acked = System.nanoTime();
        timings.took(SuperstepTimings.Phase.SEND, acked - t0);
        awaitSenders(superstep, deadline);
        long in = System.nanoTime();
        timings.took(SuperstepTimings.Phase.WAIT_PEERS, in - acked);
        runner.deliver();
        runner.advance(new Delivery(exchange.getPull(), exchange.getPullFromAll()));
        timings.took(SuperstepTimings.Phase.DELIVER, System.nanoTime() - in);
        long bytesSent = 0;
        for (BatchStream s : streams) {
            bytesSent += s.bytes();
        }
        long receivedNow;
        long bytesNow;
        synchronized (sendersDone) {
            receivedNow = received;
            bytesNow = bytesReceived;
            received = 0;
            bytesReceived = 0;
            sendersDone.remove(superstep);
        }
        long end = System.nanoTime();
        timings.exchangeEnded(jobId, superstep, end, bytesSent, bytesNow);
        return ExchangeDone.newBuilder().setSuperstep(superstep).setMessagesReceived(receivedNow)
                .setBytesSent(bytesSent).setBytesReceived(bytesNow)
                .setExchangeTimeMs(TimeUnit.NANOSECONDS.toMillis(end - t0)).build();
    }

    private boolean isSuperseded() {
        synchronized (sendersDone) {
            return superseded;
        }
    }

    private void awaitSenders(int superstep, long deadline) throws ExchangeFailedException {
        synchronized (sendersDone) {
            while (sendersDone.getOrDefault(superstep, Set.of()).size() < peers.size()) {
                if (superseded) {
                    throw new ExchangeFailedException("(none)", new IllegalStateException("superseded by a rollback"));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Set<String> missing = new HashSet<>(peers.keySet());
                    missing.removeAll(sendersDone.getOrDefault(superstep, Set.of()));
                    throw new ExchangeFailedException(String.join(",", missing),
                            new TimeoutException("no batches from " + missing + " for superstep " + superstep
                                    + " within " + exchangeTimeout.toSeconds() + " s"));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sendersDone, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ExchangeFailedException("(interrupted)", e);
                }
            }
        }
    }

    @Override
    public BatchRefusal accept(MessageBatch batch) {
        long t0 = System.nanoTime();
        if (batch.getEpoch() != epoch) {
            return batch.getEpoch() < epoch ? BatchRefusal.STALE_EPOCH : BatchRefusal.FUTURE_EPOCH;
        }
        int count = batch.getCount();
        boolean compact = batch.getMemberCount() > 0;
        if (batch.getTargets().size() != (compact ? 0 : 4L * count) || batch.getValues().size() != 8L * count) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        if (count == 0 && batch.getKind() == BatchKind.MESSAGES) {
            return BatchRefusal.BATCH_REFUSAL_NONE;
        }
        int partitions = runner.partitioning().count();
        if (batch.getSourcePartition() >= partitions || batch.getTargetPartition() >= partitions) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        double[] values = new double[count];
        PackedArrays.unpackDoubles(batch.getValues(), count, values);
        if (compact) {
            BatchRefusal refusal = importCompact(batch, values);
            if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
                return refusal;
            }
        } else if (batch.getKind() == BatchKind.BROADCASTS) {
            int[] targets = unpackTargets(batch);
            runner.importBroadcasts(batch.getSourcePartition(), targets, values, count, batch.getBatchSeq() == 0);
        } else {
            int[] targets = unpackTargets(batch);
            if (java.util.Arrays.binarySearch(owned, batch.getTargetPartition()) < 0) {
                return BatchRefusal.NOT_OWNER;
            }
            runner.acceptMessages(batch.getSourcePartition(), batch.getTargetPartition(), targets, values, count);
        }
        synchronized (sendersDone) {
            received += count;
            bytesReceived += batch.getTargets().size() + batch.getValues().size() + batch.getMemberBits().size();
        }
        timings.imported(t0, System.nanoTime() - t0);
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    private static int[] unpackTargets(MessageBatch batch) {
        int[] targets = new int[batch.getCount()];
        PackedArrays.unpackInts(batch.getTargets(), batch.getCount(), targets);
        return targets;
    }

    /** Files broadcasts in the compact form (member bitmap and values), after checking the bitmap against count. */
    private BatchRefusal importCompact(MessageBatch batch, double[] values) {
        int from = batch.getFirstMember();
        int n = batch.getMemberCount();
        int members = runner.partitioning().members(batch.getSourcePartition()).length;
        if (batch.getKind() != BatchKind.BROADCASTS || from < 0 || (long) from + n > members
                || batch.getMemberBits().size() != (n + 7) / 8) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        byte[] bits = batch.getMemberBits().toByteArray();
        int marked = 0;
        for (byte b : bits) {
            marked += Integer.bitCount(b & 0xff);
        }
        if (marked != batch.getCount()) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        runner.importBroadcastBits(batch.getSourcePartition(), from, n, bits, values);
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    @Override
    public void senderDone(String sender, int superstep) {
        synchronized (sendersDone) {
            sendersDone.computeIfAbsent(superstep, s -> new HashSet<>()).add(sender);
            sendersDone.notifyAll();
        }
    }

    /** Formats the owned partitions' final values as Graphalytics lines, in chunks of about {@code chunkBytes}. */
    void output(int chunkBytes, Consumer<OutputChunk> sink) {
        double[] values = runner.values();
        Partitioning partitioning = runner.partitioning();
        ByteArrayOutputStream text = new ByteArrayOutputStream(chunkBytes + 256);
        for (int p : owned) {
            int[] members = partitioning.members(p);
            int seq = 0;
            for (int i = 0; i < members.length; i++) {
                int v = members[i];
                byte[] line = (graph.originalId(v) + " " + kernel.format(values[v]) + "\n").getBytes(StandardCharsets.US_ASCII);
                text.writeBytes(line);
                if (text.size() >= chunkBytes) {
                    sink.accept(chunk(p, seq++, text, i == members.length - 1));
                }
            }
            if (text.size() > 0 || members.length == 0) {
                sink.accept(chunk(p, seq, text, true));
            }
        }
    }

    private static OutputChunk chunk(int partition, int seq, ByteArrayOutputStream text, boolean last) {
        OutputChunk chunk = OutputChunk.newBuilder().setPartitionId(partition).setSeq(seq)
                .setText(ByteString.copyFrom(text.toByteArray())).setLast(last).build();
        text.reset();
        return chunk;
    }

    /** A peer did not take or send this superstep's batches. */
    static final class ExchangeFailedException extends Exception {
        final String peer;

        ExchangeFailedException(String peer, Throwable cause) {
            super("exchange with peer " + peer + " failed: " + cause.getMessage(), cause);
            this.peer = peer;
        }
    }
}
