package io.graphagent.agent.job;

import com.google.protobuf.ByteString;
import io.graphagent.graph.partition.Partitioning;
import io.graphagent.protocol.v1.BatchKind;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.MessageBatch;

/**
 * Why a peer's batch cannot be filed into one job at one epoch: another epoch, a malformed batch
 * (sizes that disagree with its count, a partition out of range, compact member bits that do not
 * match, a mirrored batch past this agent's mirrors), or messages for a partition this agent does not own. Reads nothing of the runner's
 * state, so the data-plane threads check batches without a lock. Immutable.
 */
final class BatchCheck {
    private final long epoch;
    private final Partitioning partitioning;
    /** The partitions this agent owns, sorted. */
    private final int[] owned;
    /** How many vertices of each partition this agent mirrors (the length of its mirror list). */
    private final int[] mirrorCounts;

    BatchCheck(long epoch, Partitioning partitioning, int[] owned, int[] mirrorCounts) {
        this.epoch = epoch;
        this.partitioning = partitioning;
        this.owned = owned;
        this.mirrorCounts = mirrorCounts;
    }

    /** Why {@code batch} cannot be filed, or BATCH_REFUSAL_NONE. */
    BatchRefusal check(MessageBatch batch) {
        if (batch.getJobEpoch() != epoch) {
            return batch.getJobEpoch() < epoch ? BatchRefusal.STALE_EPOCH : BatchRefusal.FUTURE_EPOCH;
        }
        int count = batch.getCount();
        boolean compact = batch.getMemberCount() > 0 || batch.getMirrored();
        if (batch.getTargets().size() != (compact ? 0 : 4L * count) || batch.getValues().size() != 8L * count) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        if (count == 0 && batch.getKind() == BatchKind.MESSAGES) {
            return BatchRefusal.BATCH_REFUSAL_NONE;
        }
        int partitions = partitioning.count();
        if (batch.getSourcePartition() >= partitions || batch.getTargetPartition() >= partitions) {
            return BatchRefusal.MALFORMED_BATCH;
        }
        if (batch.getMirrored()) {
            if (!mirroredFits(batch)) {
                return BatchRefusal.MALFORMED_BATCH;
            }
        } else if (compact) {
            int from = batch.getFirstMember();
            int n = batch.getMemberCount();
            int members = partitioning.size(batch.getSourcePartition());
            if (batch.getKind() != BatchKind.BROADCASTS || from < 0 || (long) from + n > members
                    || batch.getMemberBits().size() != (n + 7) / 8 || markedBits(batch.getMemberBits()) != count) {
                return BatchRefusal.MALFORMED_BATCH;
            }
        } else if (batch.getKind() != BatchKind.BROADCASTS
                && java.util.Arrays.binarySearch(owned, batch.getTargetPartition()) < 0) {
            return BatchRefusal.NOT_OWNER;
        }
        return BatchRefusal.BATCH_REFUSAL_NONE;
    }

    /**
     * A mirrored batch covers mirrors inside this agent's list of its partition, the sender's
     * list is as long as this agent's, and its bits (none: all broadcast) match its values.
     */
    private boolean mirroredFits(MessageBatch batch) {
        int source = batch.getSourcePartition();
        long from = batch.getFirstMember();
        int n = batch.getMemberCount();
        int bits = batch.getMemberBits().size();
        return batch.getKind() == BatchKind.BROADCASTS && batch.getMirrorTotal() == mirrorCounts[source] && n > 0
                && from + n <= mirrorCounts[source]
                && (bits == 0 ? batch.getCount() == n
                        : bits == (n + 7) / 8 && markedBits(batch.getMemberBits()) == batch.getCount());
    }

    private static int markedBits(ByteString bits) {
        java.nio.ByteBuffer buffer = bits.asReadOnlyByteBuffer();
        int marked = 0;
        while (buffer.remaining() >= Long.BYTES) {
            marked += Long.bitCount(buffer.getLong());
        }
        while (buffer.hasRemaining()) {
            marked += Integer.bitCount(buffer.get() & 0xff);
        }
        return marked;
    }
}
