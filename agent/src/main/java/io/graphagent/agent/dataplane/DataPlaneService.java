package io.graphagent.agent.dataplane;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.graphagent.agent.checkpoint.CheckpointReplicas;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.v1.BatchAck;
import io.graphagent.protocol.v1.BatchRefusal;
import io.graphagent.protocol.v1.CheckpointChunk;
import io.graphagent.protocol.v1.CheckpointStored;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.EdgeBatch;
import io.graphagent.protocol.v1.FetchCheckpointRequest;
import io.graphagent.protocol.v1.MessageBatch;
import io.graphagent.protocol.v1.ResolveRequest;
import io.graphagent.protocol.v1.ResolveResponse;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's DataPlane service: takes message and broadcast batches that peers send
 * straight to this agent (never through the coordinator) and files them into their job.
 *
 * <p>Flow control: a batch is filed before the next one is read from the stream, so HTTP/2
 * flow control holds a fast sender back instead of letting it fill this agent's memory.
 * One stream carries one sender's batches of one superstep; its completion tells the job
 * that this sender is done.
 */
public final class DataPlaneService extends DataPlaneGrpc.DataPlaneImplBase {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneService.class);

    private final Function<String, BatchTarget> jobs;
    private final CheckpointReplicas replicas;
    private final Function<String, EdgeTarget> loads;
    private final Function<String, IdService> ids;

    /** @param jobs finds the target of a job id, or null when this agent holds no such job */
    public DataPlaneService(Function<String, BatchTarget> jobs) {
        this(jobs, null, id -> null, id -> null);
    }

    /**
     * @param jobs finds the target of a job id, or null when this agent holds no such job
     * @param replicas serves checkpoint copies; null: StoreCheckpoint and FetchCheckpoint are UNIMPLEMENTED
     * @param loads finds the load in progress of a job id, or null
     * @param ids finds who answers id questions of a job id, or null
     */
    public DataPlaneService(Function<String, BatchTarget> jobs, CheckpointReplicas replicas,
                            Function<String, EdgeTarget> loads, Function<String, IdService> ids) {
        this.jobs = jobs;
        this.replicas = replicas;
        this.loads = loads;
        this.ids = ids;
    }

    @Override
    public void resolve(ResolveRequest request, StreamObserver<ResolveResponse> answer) {
        IdService service = ids.apply(request.getJobId());
        if (service == null) {
            answer.onError(Status.NOT_FOUND.withDescription("this agent holds no job " + request.getJobId())
                    .asRuntimeException());
            return;
        }
        ResolveResponse response;
        try {
            response = service.resolve(request);
        } catch (IllegalArgumentException e) {
            answer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        answer.onNext(response);
        answer.onCompleted();
    }

    @Override
    public StreamObserver<EdgeBatch> sendEdges(StreamObserver<BatchAck> ack) {
        return new StreamObserver<>() {
            private EdgeTarget target;
            private String sender = "";
            private int batches;
            private long items;
            private long bytes;
            private BatchRefusal refusal = BatchRefusal.BATCH_REFUSAL_NONE;
            private String refusalMessage = "";

            @Override
            public void onNext(EdgeBatch batch) {
                if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
                    return;
                }
                if (target == null) {
                    target = loads.apply(batch.getJobId());
                    sender = batch.getSenderAgent();
                    if (target == null) {
                        refusal = BatchRefusal.UNKNOWN_JOB;
                        refusalMessage = "this agent loads no job " + batch.getJobId();
                        return;
                    }
                }
                BatchRefusal result;
                try {
                    result = target.accept(batch);
                } catch (OutOfMemoryError e) {
                    // Not into gRPC and Netty: there it breaks connections or ends the event loop.
                    refusal = BatchRefusal.UNKNOWN_JOB;
                    refusalMessage = HeapOnNetworkThread.edges(target, batch.getJobId(), batch.getBatchSeq(), sender);
                    return;
                }
                if (result != BatchRefusal.BATCH_REFUSAL_NONE) {
                    refusal = result;
                    refusalMessage = result + " for edge batch " + batch.getBatchSeq() + " from " + sender;
                    log.warn("event=batch_refused cause={} job={} sender={} detail=\"{}\"", result, batch.getJobId(),
                            sender, refusalMessage);
                    return;
                }
                batches++;
                items += batch.getCount();
                bytes += batch.getSources().size() + batch.getTargets().size() + batch.getWeights().size()
                        + batch.getVertices().size();
            }

            @Override
            public void onError(Throwable t) {
                log.warn("event=edge_stream_broken cause={} sender={}", FailureClassifier.classify(t).label(), sender);
            }

            @Override
            public void onCompleted() {
                if (target != null && refusal == BatchRefusal.BATCH_REFUSAL_NONE) {
                    target.senderDone(sender);
                }
                ack.onNext(BatchAck.newBuilder().setBatches(batches).setItems(items).setBytes(bytes)
                        .setRefusal(refusal).setMessage(refusalMessage).build());
                ack.onCompleted();
            }
        };
    }

    @Override
    public StreamObserver<CheckpointChunk> storeCheckpoint(StreamObserver<CheckpointStored> stored) {
        return replicas == null ? super.storeCheckpoint(stored) : replicas.store(stored);
    }

    @Override
    public void fetchCheckpoint(FetchCheckpointRequest request, StreamObserver<CheckpointChunk> chunks) {
        if (replicas == null) {
            super.fetchCheckpoint(request, chunks);
        } else {
            replicas.fetch(request, chunks);
        }
    }

    @Override
    public StreamObserver<MessageBatch> send(StreamObserver<BatchAck> ack) {
        return new StreamObserver<>() {
            private BatchTarget target;
            private String sender = "";
            private int superstep = -1;
            private int batches;
            private long items;
            private long bytes;
            private BatchRefusal refusal = BatchRefusal.BATCH_REFUSAL_NONE;
            private String refusalMessage = "";

            @Override
            public void onNext(MessageBatch batch) {
                if (refusal != BatchRefusal.BATCH_REFUSAL_NONE) {
                    return;
                }
                if (target == null) {
                    target = jobs.apply(batch.getJobId());
                    sender = batch.getSenderAgent();
                    superstep = batch.getSuperstep();
                    if (target == null) {
                        refusal = BatchRefusal.UNKNOWN_JOB;
                        refusalMessage = "this agent holds no job " + batch.getJobId();
                        return;
                    }
                }
                BatchRefusal result;
                try {
                    result = target.accept(batch);
                } catch (OutOfMemoryError e) {
                    refusal = BatchRefusal.UNKNOWN_JOB;
                    refusalMessage = HeapOnNetworkThread.messages(batch.getJobId(), batch.getSuperstep(), sender);
                    return;
                }
                if (result != BatchRefusal.BATCH_REFUSAL_NONE) {
                    refusal = result;
                    refusalMessage = result + " for batch " + batch.getBatchSeq() + " from " + sender
                            + " partition " + batch.getSourcePartition() + "->" + batch.getTargetPartition();
                    log.warn("event=batch_refused cause={} job={} sender={} superstep={} detail=\"{}\"",
                            result, batch.getJobId(), sender, batch.getSuperstep(), refusalMessage);
                    return;
                }
                batches++;
                items += batch.getCount();
                bytes += batch.getTargets().size() + batch.getValues().size() + batch.getMemberBits().size();
            }

            @Override
            public void onError(Throwable t) {
                log.warn("event=batch_stream_broken cause={} sender={} superstep={}",
                        FailureClassifier.classify(t).label(), sender, superstep);
            }

            @Override
            public void onCompleted() {
                if (target != null && refusal == BatchRefusal.BATCH_REFUSAL_NONE) {
                    target.senderDone(sender, superstep);
                }
                ack.onNext(BatchAck.newBuilder().setBatches(batches).setItems(items).setBytes(bytes)
                        .setRefusal(refusal).setMessage(refusalMessage).build());
                ack.onCompleted();
            }
        };
    }
}
