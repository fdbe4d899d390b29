package io.graphagent.agent.job;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.graphagent.graph.pregel.PartitionRunner;
import io.graphagent.net.time.Ticker;
import io.graphagent.protocol.PackedArrays;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.MessageBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * The batches one agent sends one peer in one superstep, produced lazily (only when the
 * transport is ready) from the runner's outboxes and broadcasts: messages from each owned
 * partition to each partition the peer owns, and, when the next superstep pulls, every
 * owned partition's broadcasts (either part alone when the broadcasts go early). Chunks of
 * at most {@link #MAX_BATCH} entries keep each gRPC message far below the size limit. The
 * first part of a stream yields at least one batch, so the peer learns the sender is done
 * even when there is nothing to send.
 */
final class BatchStream implements Iterator<MessageBatch> {
    /**
     * Entries per batch: 12 bytes each, 384 KiB per batch. Every array a batch allocates on
     * either side (ids 128 KiB, values 256 KiB, packed or unpacked) stays under half of G1's
     * 1 MiB region (the launcher's -XX:G1HeapRegionSize=1m): a larger one is a humongous
     * object, a region of its own that starts a concurrent marking cycle. At 2^16 entries every
     * superstep's values were humongous, and the agents spent about a tenth of their CPU in
     * G1's concurrent cycles during PageRank (perf, docs/performance.md).
     */
    static final int MAX_BATCH = 1 << 15;

    private final MessageBatch header;
    private final PartitionRunner runner;
    private final ArrayDeque<Runnable> plan = new ArrayDeque<>();
    private final ArrayDeque<MessageBatch> ready = new ArrayDeque<>();
    private final LongConsumer producing;
    private final Ticker ticker;
    private final boolean compact;
    private final IntFunction<List<MessageBatch>> prepared;
    /** The peer's mirrors of each owned partition (mirrored form), or null (every member, compact form). */
    private final int[][] mirrorRanks;
    private boolean sentAny;
    private long bytes;

    /**
     * @param broadcasts also every owned partition's broadcasts (the next superstep pulls)
     * @param compact broadcasts as member bitmaps and values, without vertex ids (MessageBatch.member_bits)
     * @param opensStream the first batches of a peer's stream: yields at least one batch
     * @param prepared a partition's compact broadcast batches already packed for this superstep and peer, in
     *     the form {@code mirrorRanks} asks for, or null (pack them here)
     * @param mirrorRanks with {@code compact}: the peer's mirrors of each owned partition, to send only those
     *     (MessageBatch.mirrored); null: every member
     * @param producing told the nanoseconds spent producing each batch
     * @param ticker measures that time
     */
    BatchStream(MessageBatch header, PartitionRunner runner, int[] owned, int[] peerPartitions, boolean messages,
                boolean broadcasts, boolean compact, boolean opensStream, IntFunction<List<MessageBatch>> prepared,
                int[][] mirrorRanks, LongConsumer producing, Ticker ticker) {
        this.header = header;
        this.mirrorRanks = mirrorRanks;
        this.ticker = ticker;
        this.prepared = prepared;
        this.runner = runner;
        this.compact = compact;
        this.producing = producing;
        this.sentAny = !opensStream;
        if (messages) {
            for (int s : owned) {
                for (int t : peerPartitions) {
                    plan.add(() -> messages(s, t));
                }
            }
        }
        if (broadcasts) {
            for (int s : owned) {
                plan.add(() -> broadcasts(s));
            }
        }
    }

    /** Payload bytes produced so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public boolean hasNext() {
        if (ready.isEmpty() && !plan.isEmpty()) {
            long t0 = ticker.nanos();
            while (ready.isEmpty() && !plan.isEmpty()) {
                plan.poll().run();
            }
            producing.accept(ticker.nanos() - t0);
        }
        if (ready.isEmpty() && !sentAny) {
            ready.add(header.toBuilder().setCount(0).build());
        }
        return !ready.isEmpty();
    }

    @Override
    public MessageBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        sentAny = true;
        MessageBatch batch = ready.poll();
        bytes += batch.getTargets().size() + batch.getValues().size() + batch.getMemberBits().size();
        return batch;
    }

    private void messages(int source, int target) {
        int size = runner.outboxSize(source, target);
        int[] targets = runner.outboxTargets(source, target);
        double[] values = runner.outboxValues(source, target);
        int seq = 0;
        for (int from = 0; from < size; from += MAX_BATCH) {
            int count = Math.min(MAX_BATCH, size - from);
            ready.add(batch(BatchKind.MESSAGES, source, target, seq++, PackedArrays.packInts(targets, from, count),
                    PackedArrays.packDoubles(values, from, count), count));
        }
        runner.clearOutbox(source, target);
    }

    private void broadcasts(int source) {
        if (compact) {
            compactBroadcasts(source);
            return;
        }
        PartitionRunner.Broadcasts b = runner.exportBroadcasts(source);
        int size = b.vertices().length;
        int seq = 0;
        int from = 0;
        do {
            int count = Math.min(MAX_BATCH, size - from);
            ready.add(batch(BatchKind.BROADCASTS, source, 0, seq++, PackedArrays.packInts(b.vertices(), from, count),
                    PackedArrays.packDoubles(b.values(), from, count), count));
            from += count;
        } while (from < size);
    }

    private void compactBroadcasts(int source) {
        List<MessageBatch> batches = prepared == null ? null : prepared.apply(source);
        if (batches == null) {
            batches = mirrorRanks != null ? mirroredBroadcasts(header, runner, source, mirrorRanks[source])
                    : compactBroadcasts(header, runner, source);
        }
        ready.addAll(batches);
    }

    /**
     * Partition {@code source}'s broadcasts of the last compute phase in the mirrored form for
     * a peer that mirrors its members {@code ranks} (ascending): every one of them covered by
     * one batch, in that order; none when the peer mirrors nothing of it.
     */
    static List<MessageBatch> mirroredBroadcasts(MessageBatch header, PartitionRunner runner, int source, int[] ranks) {
        int total = ranks.length;
        List<MessageBatch> batches = new ArrayList<>(total / MAX_BATCH + 1);
        int seq = 0;
        for (int from = 0; from < total; from += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, total - from);
            PartitionRunner.BroadcastBits b = runner.exportMirroredBroadcasts(source, ranks, from, n);
            batches.add(header.toBuilder().setKind(BatchKind.BROADCASTS).setSourcePartition(source).setBatchSeq(seq++)
                    .setCount(b.count()).setValues(PackedArrays.packDoubles(b.values(), 0, b.count()))
                    .setMemberBits(UnsafeByteOperations.unsafeWrap(b.bits())).setFirstMember(from).setMemberCount(n)
                    .setMirrored(true).setMirrorTotal(total).build());
        }
        return batches;
    }

    /**
     * Partition {@code source}'s broadcasts of the last compute phase in the compact form:
     * every member is covered by one batch; an empty partition gives one empty batch.
     */
    static List<MessageBatch> compactBroadcasts(MessageBatch header, PartitionRunner runner, int source) {
        int members = runner.partitioning().size(source);
        List<MessageBatch> batches = new ArrayList<>(members / MAX_BATCH + 1);
        int seq = 0;
        int from = 0;
        do {
            int n = Math.min(MAX_BATCH, members - from);
            PartitionRunner.BroadcastBits b = runner.exportBroadcastBits(source, from, n);
            batches.add(header.toBuilder().setKind(BatchKind.BROADCASTS).setSourcePartition(source).setBatchSeq(seq++)
                    .setCount(b.count()).setValues(PackedArrays.packDoubles(b.values(), 0, b.count()))
                    .setMemberBits(UnsafeByteOperations.unsafeWrap(b.bits())).setFirstMember(from).setMemberCount(n).build());
            from += n;
        } while (from < members);
        return batches;
    }

    private MessageBatch batch(BatchKind kind, int source, int target, int seq, ByteString targets, ByteString values,
                               int count) {
        return header.toBuilder().setKind(kind).setSourcePartition(source).setTargetPartition(target)
                .setBatchSeq(seq).setCount(count).setTargets(targets).setValues(values).build();
    }
}
