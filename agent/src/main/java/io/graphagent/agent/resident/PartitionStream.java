package io.graphagent.agent.resident;

import io.graphagent.graph.partition.GraphShare;
import io.graphagent.protocol.v1.PartitionChunk;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Serves one partition to a peer building a replica: chunks are made only while the stream is
 * ready (gRPC's flow control), so a slow receiver holds the sender back instead of the whole
 * partition being buffered in memory.
 */
public final class PartitionStream {
    private PartitionStream() {
    }

    /** Streams {@code partition} of {@code share} to {@code call} and completes it. */
    public static void serve(GraphShare share, int partition, ServerCallStreamObserver<PartitionChunk> call) {
        PartitionChunks chunks = new PartitionChunks(share, partition);
        boolean[] done = {false};
        Runnable pump = () -> {
            synchronized (done) {
                while (!done[0] && call.isReady() && !call.isCancelled()) {
                    call.onNext(chunks.next());
                    if (!chunks.hasNext()) {
                        done[0] = true;
                        call.onCompleted();
                    }
                }
            }
        };
        call.setOnReadyHandler(pump);
        pump.run();
    }
}
