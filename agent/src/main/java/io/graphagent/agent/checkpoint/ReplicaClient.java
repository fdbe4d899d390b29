package io.graphagent.agent.checkpoint;

import io.graphagent.net.time.Ticker;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.protocol.v1.CheckpointChunk;
import io.graphagent.protocol.v1.CheckpointStored;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import io.graphagent.protocol.v1.FetchCheckpointRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling end of checkpoint copies: streams the files an agent wrote to the peer that
 * keeps the copy ({@link #copy}), and fetches files it lacks from a peer that holds them
 * ({@link #fetch}). Each call has a deadline; each blocks the calling thread (the agent's job
 * thread) until done or failed, and a failure names the peer and partition. Thread-safe.
 */
public final class ReplicaClient {
    private static final Logger log = LoggerFactory.getLogger(ReplicaClient.class);

    /**
     * Bound on one copy or fetch call: a whole checkpoint's files of one agent. 5 minutes
     * cover tens of GB on a LAN; a peer slower than that fails the checkpoint (or restore)
     * rather than stall the job.
     */
    public static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    /** Longest single wait for the stream to become ready before the deadline is looked at again. */
    private static final long READY_POLL_MS = 100;

    private final ReplicaCounters counters;
    private final Duration deadline;
    private final int chunkBytes;
    private final Ticker ticker;
    /** Calls in flight, by job id, so that a rollback can end them at once ({@link #cancel}). */
    private final java.util.Map<String, java.util.Set<Runnable>> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param deadline bound on each call ({@link #CALL_TIMEOUT} in production)
     * @param chunkBytes data per chunk ({@link ChunkReader#CHUNK_BYTES} in production)
     * @param ticker the agent's monotonic time: the waits for the peer against {@code deadline}, the calls' durations
     */
    public ReplicaClient(ReplicaCounters counters, Duration deadline, int chunkBytes, Ticker ticker) {
        this.ticker = ticker;
        this.counters = counters;
        this.deadline = deadline;
        this.chunkBytes = chunkBytes;
    }

    public ReplicaClient(ReplicaCounters counters, Ticker ticker) {
        this(counters, CALL_TIMEOUT, ChunkReader.CHUNK_BYTES, ticker);
    }

    /**
     * Streams the files of {@code partitions} in {@code dir} to {@code peer}, which stores them
     * as its copy of checkpoint ({@code header}'s job, epoch, superstep). Returns once the peer
     * confirmed every file stored.
     *
     * @param peer the peer's name for messages, e.g. {@code agent-3 (127.0.0.1:7501)}
     * @throws ReplicaException naming the peer and the partition when any file is not stored
     */
    public CheckpointStored copy(ManagedChannel channel, String peer, CheckpointChunk header, Path dir, int[] partitions)
            throws ReplicaException {
        long t0 = ticker.nanos();
        long end = t0 + deadline.toNanos();
        CompletableFuture<CheckpointStored> answer = new CompletableFuture<>();
        Object ready = new Object();
        List<ClientCallStreamObserver<CheckpointChunk>> stream = new ArrayList<>(1);
        DataPlaneGrpc.newStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .storeCheckpoint(new ClientResponseObserver<CheckpointChunk, CheckpointStored>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<CheckpointChunk> requests) {
                        stream.add(requests);
                        requests.setOnReadyHandler(() -> wake(ready));
                    }

                    @Override
                    public void onNext(CheckpointStored value) {
                        answer.complete(value);
                        wake(ready);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                        wake(ready);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("the peer closed the copy without an answer"));
                        wake(ready);
                    }
                });
        ClientCallStreamObserver<CheckpointChunk> requests = stream.get(0);
        Runnable cancel = () -> requests.cancel("superseded by a rollback of job " + header.getJobId(), null);
        track(header.getJobId(), cancel, true);
        int current = -1;
        long bytes = 0;
        try {
            for (int p : partitions) {
                current = p;
                try (ChunkReader reader = new ChunkReader(CheckpointFile.of(dir, p), header.toBuilder().setPartitionId(p).build(),
                        chunkBytes)) {
                    while (reader.hasNext() && !answer.isDone()) {
                        awaitReady(requests, ready, answer, end, peer, p);
                        if (!answer.isDone()) {
                            requests.onNext(reader.next());
                        }
                    }
                    bytes += reader.size();
                }
            }
            current = -1;
            if (!answer.isDone()) {
                requests.onCompleted();
            }
            CheckpointStored stored = answer.get(Math.max(1, end - ticker.nanos()), TimeUnit.NANOSECONDS);
            if (!stored.getError().isEmpty()) {
                throw failed(peer, firstMissing(partitions, stored.getPartitionIdsList()), "refused: " + stored.getError(), null);
            }
            int missing = firstMissing(partitions, stored.getPartitionIdsList());
            if (missing >= 0) {
                throw failed(peer, missing, "answered without storing it (stored " + stored.getPartitionIdsList() + ")", null);
            }
            counters.copied(partitions.length, bytes);
            log.info("event=checkpoint_copied job={} superstep={} peer=\"{}\" partitions={} bytes={} ms={}", header.getJobId(),
                    header.getSuperstep(), peer, java.util.Arrays.toString(partitions), bytes,
                    TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - t0));
            return stored;
        } catch (IOException e) {
            requests.cancel("cannot read the checkpoint file", e);
            throw failed(peer, current, "cannot read the local file: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw failed(peer, current >= 0 ? current : partitions.length > 0 ? partitions[0] : -1, "call failed", e.getCause());
        } catch (TimeoutException e) {
            requests.cancel("deadline", null);
            throw failed(peer, current, "no answer within " + deadline.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.cancel("interrupted", e);
            throw failed(peer, current, "interrupted", e);
        } finally {
            track(header.getJobId(), cancel, false);
        }
    }

    /**
     * Ends every copy and fetch of {@code job} in flight now (they fail with CANCELLED): a
     * rollback or abort supersedes them, and must not wait for a peer that may hang until the
     * deadline. Safe from any thread.
     */
    public void cancel(String job) {
        java.util.Set<Runnable> calls = inFlight.get(job);
        if (calls != null) {
            calls.forEach(Runnable::run);
        }
    }

    private void track(String job, Runnable cancel, boolean add) {
        if (add) {
            inFlight.computeIfAbsent(job, j -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(cancel);
        } else {
            inFlight.computeIfPresent(job, (j, calls) -> {
                calls.remove(cancel);
                return calls.isEmpty() ? null : calls;
            });
        }
    }

    /**
     * Fetches the files of {@code partitions} of checkpoint {@code superstep} of {@code job}
     * from {@code peer} into {@code dir} (each written atomically, CRC checked). Returns the
     * bytes fetched.
     *
     * @throws ReplicaException naming the peer and the partition that did not arrive whole
     */
    public long fetch(ManagedChannel channel, String peer, String job, int superstep, List<Integer> partitions, Path dir)
            throws ReplicaException {
        long t0 = ticker.nanos();
        FetchCheckpointRequest request = FetchCheckpointRequest.newBuilder().setJobId(job).setSuperstep(superstep)
                .addAllPartitionIds(partitions).build();
        ChunkWriter writer = new ChunkWriter(c -> dir, "fetch");
        // Closing the context cancels the call, so a refused chunk does not leave the peer streaming until the deadline.
        Context.CancellableContext call = Context.current().withCancellation();
        Runnable cancel = () -> call.cancel(new IllegalStateException("superseded by a rollback of job " + job));
        track(job, cancel, true);
        try (call) {
            call.call(() -> {
                Iterator<CheckpointChunk> chunks = DataPlaneGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).fetchCheckpoint(request);
                while (chunks.hasNext()) {
                    CheckpointChunk chunk = chunks.next();
                    if (!partitions.contains(chunk.getPartitionId())) {
                        throw new ChunkWriter.CorruptCopyException("partition " + chunk.getPartitionId() + " was not asked for");
                    }
                    writer.accept(chunk);
                }
                return null;
            });
            if (!writer.betweenFiles()) {
                throw failed(peer, writer.pending(), "torn: the stream ended without the file's last chunk", null);
            }
            int missing = firstMissing(partitions.stream().mapToInt(Integer::intValue).toArray(), writer.stored());
            if (missing >= 0) {
                throw failed(peer, missing, "the peer ended the stream without it", null);
            }
        } catch (ReplicaException e) {
            throw e;
        } catch (Exception e) {
            int partition = writer.pending() >= 0 ? writer.pending()
                    : firstMissing(partitions.stream().mapToInt(Integer::intValue).toArray(), writer.stored());
            throw failed(peer, partition, e instanceof StatusRuntimeException ? "call failed" : "copy rejected", e);
        } finally {
            track(job, cancel, false);
            writer.close();
        }
        counters.fetched(writer.stored().size(), writer.bytes());
        log.info("event=checkpoint_fetched job={} superstep={} peer=\"{}\" partitions={} bytes={} ms={}", job, superstep, peer,
                writer.stored(), writer.bytes(), TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - t0));
        return writer.bytes();
    }

    private void awaitReady(ClientCallStreamObserver<CheckpointChunk> requests, Object ready,
                                   CompletableFuture<CheckpointStored> answer, long end, String peer, int partition)
            throws InterruptedException, TimeoutException {
        synchronized (ready) {
            while (!requests.isReady() && !answer.isDone()) {
                long left = end - ticker.nanos();
                if (left <= 0) {
                    throw new TimeoutException("peer " + peer + " took no more of partition " + partition);
                }
                ready.wait(Math.max(1, Math.min(READY_POLL_MS, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    private static void wake(Object ready) {
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    private static int firstMissing(int[] wanted, List<Integer> got) {
        for (int p : wanted) {
            if (!got.contains(p)) {
                return p;
            }
        }
        return -1;
    }

    private ReplicaException failed(String peer, int partition, String what, Throwable cause) {
        counters.failed();
        String label = cause == null ? "checkpoint_failed" : FailureClassifier.classify(cause).label();
        return new ReplicaException(peer, partition, label, what + (cause == null ? "" : ": " + FailureClassifier.oneLine(cause)),
                cause);
    }

    /** A copy or fetch that did not complete: the peer, the partition, and the classified cause. */
    public static final class ReplicaException extends Exception {
        private static final long serialVersionUID = 1L;
        public final String peer;
        public final int partition;
        public final String causeLabel;

        ReplicaException(String peer, int partition, String cause, String what, Throwable t) {
            super("partition " + partition + " with peer " + peer + " (cause " + cause + "): " + what, t);
            this.peer = peer;
            this.partition = partition;
            this.causeLabel = cause;
        }
    }
}
