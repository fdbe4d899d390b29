package io.graphagent.agent.checkpoint;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.v1.CheckpointChunk;
import io.graphagent.protocol.v1.CheckpointStored;
import io.graphagent.protocol.v1.FetchCheckpointRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving end of checkpoint copies ({@code DataPlane.StoreCheckpoint} and
 * {@code FetchCheckpoint}): keeps peers' checkpoint files in this agent's
 * {@link LocalCheckpoints} and reads them (or this agent's own) back to a peer that restores.
 *
 * <p>Disk work runs on one {@code checkpoint-io} thread, never on the network threads. Flow
 * control: a stored chunk is asked for only once the previous one is written, and a fetched
 * chunk is read only while the stream is ready, so neither end buffers more than a chunk
 * beyond the HTTP/2 window.
 */
public final class CheckpointReplicas implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckpointReplicas.class);

    private final LocalCheckpoints local;
    private final ReplicaCounters counters;
    private final ExecutorService io =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("checkpoint-io").daemon(true).factory());

    public CheckpointReplicas(LocalCheckpoints local, ReplicaCounters counters) {
        this.local = local;
        this.counters = counters;
    }

    /** StoreCheckpoint: writes each file of the stream atomically, answers once at the end (or at the first failure). */
    public StreamObserver<CheckpointChunk> store(StreamObserver<CheckpointStored> answer) {
        ServerCallStreamObserver<CheckpointStored> call = (ServerCallStreamObserver<CheckpointStored>) answer;
        call.disableAutoRequest();
        call.request(1);
        ChunkWriter writer = new ChunkWriter(c -> local.dir(c.getJobId(), c.getSuperstep()), "copy");
        return new StreamObserver<>() {
            private boolean answered;
            private String job = "";
            private int superstep = -1;

            @Override
            public void onNext(CheckpointChunk chunk) {
                io.execute(() -> {
                    if (answered) {
                        return;
                    }
                    job = chunk.getJobId();
                    superstep = chunk.getSuperstep();
                    try {
                        writer.accept(chunk);
                    } catch (IOException | IllegalArgumentException e) {
                        refuse("partition " + chunk.getPartitionId() + " of " + job + " superstep " + superstep
                                + " not stored: " + e.getMessage());
                        return;
                    }
                    call.request(1);
                });
            }

            @Override
            public void onError(Throwable t) {
                io.execute(() -> {
                    if (!answered) {
                        answered = true;
                        counters.failed();
                        log.warn("event=checkpoint_copy_broken cause={} job={} superstep={} partition={} detail=\"{}\"",
                                FailureClassifier.classify(t, FailureClassifier.Side.SERVER).label(), job, superstep,
                                writer.pending(), FailureClassifier.oneLine(t));
                    }
                    writer.close();
                });
            }

            @Override
            public void onCompleted() {
                io.execute(() -> {
                    if (answered) {
                        return;
                    }
                    if (!writer.betweenFiles()) {
                        refuse("torn copy: the stream ended inside the file of partition " + writer.pending()
                                + " (no last chunk); nothing of it is kept");
                        return;
                    }
                    answered = true;
                    writer.close();
                    counters.stored(writer.stored().size(), writer.bytes());
                    log.info("event=checkpoint_copy_stored job={} superstep={} partitions={} bytes={}", job, superstep,
                            writer.stored(), writer.bytes());
                    call.onNext(CheckpointStored.newBuilder().addAllPartitionIds(writer.stored()).setBytes(writer.bytes())
                            .build());
                    call.onCompleted();
                });
            }

            /** Answers with the error at once; the sender stops, and the rest of the stream is dropped. */
            private void refuse(String error) {
                answered = true;
                writer.close();
                counters.failed();
                log.warn("event=checkpoint_copy_refused cause=checkpoint_failed job={} superstep={} detail=\"{}\"", job,
                        superstep, error);
                call.onNext(CheckpointStored.newBuilder().addAllPartitionIds(writer.stored()).setBytes(writer.bytes())
                        .setError(error).build());
                call.onCompleted();
            }
        };
    }

    /** FetchCheckpoint: streams the files asked for, in the order asked; NOT_FOUND when one is missing. */
    public void fetch(FetchCheckpointRequest request, StreamObserver<CheckpointChunk> chunks) {
        ServerCallStreamObserver<CheckpointChunk> call = (ServerCallStreamObserver<CheckpointChunk>) chunks;
        Path dir;
        try {
            dir = local.dir(request.getJobId(), request.getSuperstep());
        } catch (IllegalArgumentException e) {
            call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        Deque<Integer> partitions = new ArrayDeque<>(request.getPartitionIdsList());
        CheckpointChunk header = CheckpointChunk.newBuilder().setJobId(request.getJobId())
                .setSuperstep(request.getSuperstep()).build();
        Pump pump = new Pump(call, dir, partitions, header, counters);
        call.setOnReadyHandler(() -> io.execute(pump::run));
        call.setOnCancelHandler(() -> io.execute(pump::close));
        io.execute(pump::run);
    }

    /** Sends a fetch's chunks while the stream is ready; runs on the io thread only. */
    private static final class Pump {
        private final ServerCallStreamObserver<CheckpointChunk> call;
        private final Path dir;
        private final Deque<Integer> partitions;
        private final CheckpointChunk header;
        private final ReplicaCounters counters;
        private ChunkReader reader;
        private boolean finished;

        Pump(ServerCallStreamObserver<CheckpointChunk> call, Path dir, Deque<Integer> partitions, CheckpointChunk header,
             ReplicaCounters counters) {
            this.call = call;
            this.dir = dir;
            this.partitions = partitions;
            this.header = header;
            this.counters = counters;
        }

        void run() {
            try {
                while (!finished && !call.isCancelled() && call.isReady()) {
                    if (reader == null || !reader.hasNext()) {
                        closeReader();
                        Integer next = partitions.poll();
                        if (next == null) {
                            finished = true;
                            call.onCompleted();
                            return;
                        }
                        Path file = CheckpointFile.of(dir, next);
                        if (!Files.isRegularFile(file)) {
                            // The files before it went whole: the fetcher knows exactly which one is missing.
                            finished = true;
                            counters.failed();
                            String message = "no checkpoint file of partition " + next + " of " + header.getJobId()
                                    + " superstep " + header.getSuperstep() + " here (" + file + ")";
                            log.warn("event=checkpoint_fetch_refused cause=not_found job={} superstep={} partition={}"
                                    + " detail=\"{}\"", header.getJobId(), header.getSuperstep(), next, message);
                            call.onError(Status.NOT_FOUND.withDescription(message).asRuntimeException());
                            return;
                        }
                        reader = new ChunkReader(file, header.toBuilder().setPartitionId(next).build());
                    }
                    call.onNext(reader.next());
                }
            } catch (IOException e) {
                finished = true;
                closeReader();
                call.onError(Status.INTERNAL.withDescription("cannot read checkpoint file in " + dir + ": " + e.getMessage())
                        .asRuntimeException());
            }
            if (call.isCancelled()) {
                close();
            }
        }

        void close() {
            finished = true;
            closeReader();
        }

        private void closeReader() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // Read-only: nothing to lose.
                }
                reader = null;
            }
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
        try {
            io.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
