package io.graphagent.cli;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.CancelJobRequest;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.StatusReply;
import io.graphagent.protocol.v1.StatusRequest;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client command's connection to the coordinator: one channel bounded in time at every step
 * (connect, handshake, each unary call), with the configured keepalive so that a coordinator
 * that vanishes during a long {@code WatchJob} is noticed. Every failed call becomes a
 * {@link CoordinatorCallException} with its classified cause. Not thread-safe except
 * {@link #cancel}, which a shutdown hook may call while another thread watches.
 */
final class CoordinatorClient implements AutoCloseable {
    /** Deadline of Status and CancelJob. */
    static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    /** Deadline of Submit: the coordinator checks the graph files before it answers. */
    static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(30);
    /** TCP connect limit: the other side is a known cluster address, not a far-away service. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final HostAndPort target;
    private final String hint;
    private final NetworkThreads threads;
    private final ManagedChannel channel;
    private final CoordinatorGrpc.CoordinatorBlockingStub stub;

    private CoordinatorClient(HostAndPort target, String hint, NetworkThreads threads, ManagedChannel channel) {
        this.target = target;
        this.hint = hint;
        this.threads = threads;
        this.channel = channel;
        this.stub = CoordinatorGrpc.newBlockingStub(channel);
    }

    /**
     * @param hint a sentence added to every failure message (e.g. how to start a local cluster), or empty
     * @throws TlsFilesException when the client's certificate files are unusable
     */
    static CoordinatorClient connect(HostAndPort target, GraphagentConfig config, TransportSecurity security, String hint)
            throws TlsFilesException {
        Channels.ClientTimeouts timeouts = new Channels.ClientTimeouts(CONNECT_TIMEOUT, config.tls().handshakeTimeout(),
                CALL_DEADLINE);
        NetworkThreads threads = NetworkThreads.start("cli", 1);
        try {
            ManagedChannel channel = Channels.builder(target, security, timeouts, threads)
                    .keepAliveTime(config.grpc().keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(config.grpc().keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.grpc().maxMessageSize()))
                    .build();
            return new CoordinatorClient(target, hint, threads, channel);
        } catch (TlsFilesException | RuntimeException e) {
            threads.close();
            throw e;
        }
    }

    HostAndPort target() {
        return target;
    }

    StatusReply status(boolean includeFinishedJobs) {
        return call("Status", () -> stub.withDeadlineAfter(CALL_DEADLINE.toNanos(), TimeUnit.NANOSECONDS)
                .status(StatusRequest.newBuilder().setIncludeFinishedJobs(includeFinishedJobs).build()));
    }

    SubmitReply submit(SubmitRequest request) {
        return call("Submit", CoordinatorCallException.CallKind.SUBMIT,
                () -> stub.withDeadlineAfter(SUBMIT_DEADLINE.toNanos(), TimeUnit.NANOSECONDS).submit(request));
    }

    /** Streams a user program's jar to the coordinator (ProgramUpload); refusals name the reason. */
    io.graphagent.protocol.v1.ProgramUploadReply upload(java.nio.file.Path jar, io.graphagent.protocol.v1.ProgramRef ref) {
        return call("UploadProgram", CoordinatorCallException.CallKind.UPDATE,
                () -> ProgramUpload.send(channel, jar, ref, SUBMIT_DEADLINE));
    }

    CancelJobReply cancel(String jobId, String reason) {
        return call("CancelJob", CoordinatorCallException.CallKind.CANCEL, () -> stub.withDeadlineAfter(CALL_DEADLINE.toNanos(), TimeUnit.NANOSECONDS)
                .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).setReason(reason).build()));
    }

    /**
     * One call of the coordinator's Query service (resident graphs, queries) bounded by
     * {@code deadline}; a refusal becomes a {@link CoordinatorCallException} naming {@code what}.
     */
    <T> T query(String what, Duration deadline,
                java.util.function.Function<io.graphagent.protocol.v1.QueryGrpc.QueryBlockingStub, T> call) {
        return query(what, deadline, CoordinatorCallException.CallKind.READ, call);
    }

    /** Like {@link #query(String, Duration, java.util.function.Function)} for a call of the given kind (a graph load, a drop). */
    <T> T query(String what, Duration deadline, CoordinatorCallException.CallKind kind,
                java.util.function.Function<io.graphagent.protocol.v1.QueryGrpc.QueryBlockingStub, T> call) {
        return call(what, kind, () -> call.apply(io.graphagent.protocol.v1.QueryGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)));
    }

    /**
     * Follows a job: blocks in {@code hasNext} until the next progress message; ends after the
     * message with a terminal state. No deadline (a job may run for hours); keepalive notices a
     * dead coordinator.
     */
    Iterator<JobProgress> watch(String jobId) {
        Iterator<JobProgress> stream = call("WatchJob", () -> stub.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return call("WatchJob " + jobId, stream::hasNext);
            }

            @Override
            public JobProgress next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return stream.next();
            }
        };
    }

    /**
     * Dials again at once instead of at the end of the channel's own reconnect backoff (which
     * grows to minutes): for a caller that knows the coordinator may be back.
     */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    private <T> T call(String what, Supplier<T> call) {
        return call(what, CoordinatorCallException.CallKind.READ, call);
    }

    private <T> T call(String what, CoordinatorCallException.CallKind kind, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw CoordinatorCallException.of("coordinator " + target + ": " + what + " failed", e, hint, kind);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.close();
    }
}
