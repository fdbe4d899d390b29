package io.graphagent.coordinator.input;

import com.google.protobuf.ByteString;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.graphagent.coordinator.job.JobApi;
import io.graphagent.coordinator.session.RoleCheck;
import io.graphagent.coordinator.session.TransportPeer;
import io.graphagent.net.certs.CertificateRole;
import io.graphagent.protocol.v1.GraphFiles;
import io.graphagent.protocol.v1.InputServiceGrpc;
import io.graphagent.protocol.v1.ReadSplitRequest;
import io.graphagent.protocol.v1.SplitChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams splits of a running job's input to agents that cannot read the files at the path
 * the coordinator names (job.input-transfer). A split is the lines starting in its byte range;
 * the range's ends move to the next line start here, exactly as an agent reading the file
 * itself would move them. Chunks of {@link #CHUNK_BYTES} go out as the agent's flow control
 * allows, on the call's own thread. Agent certificates only.
 */
public final class SplitServer extends InputServiceGrpc.InputServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(SplitServer.class);

    /** Bytes per chunk: under the message limit, big enough to amortise framing. */
    static final int CHUNK_BYTES = 1 << 20;

    private final JobApi jobs;

    public SplitServer(JobApi jobs) {
        this.jobs = jobs;
    }

    /** The service with the interceptor that exposes the caller's certificate. */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, TransportPeer.interceptor());
    }

    @Override
    public void readSplit(ReadSplitRequest request, StreamObserver<SplitChunk> chunks) {
        Optional<String> refusal = RoleCheck.refusal(TransportPeer.current(), CertificateRole.AGENT, "read the input",
                "use an agent certificate (agent-ID.pem of `graphagent certs init`)");
        if (refusal.isPresent()) {
            chunks.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
            return;
        }
        Optional<GraphFiles> input = jobs.inputOf(request.getJobId());
        if (input.isEmpty()) {
            chunks.onError(Status.NOT_FOUND.withDescription("no running job " + request.getJobId()).asRuntimeException());
            return;
        }
        String name = switch (request.getFile()) {
            case VERTEX_FILE -> input.get().getVertexFile();
            case EDGE_FILE -> input.get().getEdgeFile();
            default -> "";
        };
        if (name.isEmpty()) {
            chunks.onError(Status.INVALID_ARGUMENT.withDescription("job " + request.getJobId() + " has no "
                    + request.getFile()).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<SplitChunk> call = (ServerCallStreamObserver<SplitChunk>) chunks;
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        try (FileChannel file = FileChannel.open(Path.of(name), StandardOpenOption.READ)) {
            long size = file.size();
            if (request.getStart() > request.getEnd() || request.getEnd() > size) {
                call.onError(Status.INVALID_ARGUMENT.withDescription("bytes " + request.getStart() + ".." + request.getEnd()
                        + " are not within " + name + " (" + size + " bytes)").asRuntimeException());
                return;
            }
            long from = LineStarts.at(file, request.getStart());
            long to = LineStarts.at(file, request.getEnd());
            long sent = 0;
            for (long at = from; at < to; ) {
                synchronized (ready) {
                    while (!call.isReady() && !call.isCancelled()) {
                        ready.wait(100);
                    }
                }
                if (call.isCancelled()) {
                    return;
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, to - at));
                while (buffer.hasRemaining()) {
                    if (file.read(buffer, at + buffer.position()) < 0) {
                        throw new IOException(name + " shrank while being read");
                    }
                }
                buffer.flip();
                call.onNext(SplitChunk.newBuilder().setOffset(at).setData(ByteString.copyFrom(buffer)).build());
                sent += buffer.limit();
                at += buffer.limit();
            }
            log.info("event=input_split_streamed job={} file={} from={} to={} bytes={}", request.getJobId(), name, from, to, sent);
            call.onCompleted();
        } catch (IOException e) {
            call.onError(Status.UNAVAILABLE.withDescription("cannot read " + name + " on the coordinator: " + e.getMessage())
                    .asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.onError(Status.CANCELLED.withDescription("the coordinator is stopping").asRuntimeException());
        }
    }
}
