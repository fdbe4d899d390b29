package io.graphagent.coordinator.program;

import com.google.protobuf.ByteString;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.graphagent.config.UserPrograms;
import io.graphagent.coordinator.session.RoleCheck;
import io.graphagent.coordinator.session.TransportPeer;
import io.graphagent.graph.program.JarStore;
import io.graphagent.net.certs.CertificateRole;
import io.graphagent.protocol.v1.FetchProgramRequest;
import io.graphagent.protocol.v1.ProgramChunk;
import io.graphagent.protocol.v1.ProgramServiceGrpc;
import io.graphagent.protocol.v1.ProgramUploadReply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes user programs' jars from clients and hands them to agents ({@code ProgramService}),
 * keeping them in a {@link JarStore} under the coordinator's state directory. Uploads: client
 * certificates of the cluster's CA only, over TLS only, and only while job.user-programs is
 * allow; every jar kept is logged with its SHA-256. Fetches: agent certificates only, sent as
 * the agent's flow control allows. Each call runs on its gRPC thread.
 */
public final class ProgramServer extends ProgramServiceGrpc.ProgramServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(ProgramServer.class);
    /** Bytes per chunk sent to an agent: under the message limit, big enough to amortise framing. */
    static final int CHUNK_BYTES = 1 << 20;

    private final JarStore jars;
    private final UserPrograms policy;

    public ProgramServer(JarStore jars, UserPrograms policy) {
        this.jars = jars;
        this.policy = policy;
    }

    /** The service with the interceptor that exposes the caller's certificate. */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, TransportPeer.interceptor());
    }

    @Override
    public StreamObserver<ProgramChunk> uploadProgram(StreamObserver<ProgramUploadReply> reply) {
        TransportPeer peer = TransportPeer.current();
        Optional<String> refusal = uploadRefusal(peer);
        if (refusal.isPresent()) {
            log.warn("event=program_refused cause=not_allowed peer={} detail=\"{}\"", peer.subject().orElse("(none)"),
                    refusal.get());
            reply.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
            return new Ignored();
        }
        return new Upload(reply, peer.subject().orElse("(none)"));
    }

    private Optional<String> uploadRefusal(TransportPeer peer) {
        if (policy == UserPrograms.DENY) {
            return Optional.of("this cluster runs no user programs (job.user-programs: deny on the coordinator). Fix: run"
                    + " a built-in kernel with --algorithm, or ask the operator to set job.user-programs: allow");
        }
        if (!peer.tls()) {
            return Optional.of("this coordinator runs without TLS (--insecure), so no certificate says who sends the code:"
                    + " user programs are refused. Fix: run the cluster with TLS (graphagent certs init) and submit with a"
                    + " client certificate of its CA");
        }
        return RoleCheck.refusal(peer, CertificateRole.CLIENT, "upload a program",
                "use the client certificate (client.pem of `graphagent certs init`; --certs DIR picks it)");
    }

    @Override
    public void fetchProgram(FetchProgramRequest request, StreamObserver<ProgramChunk> chunks) {
        Optional<String> refusal = RoleCheck.refusal(TransportPeer.current(), CertificateRole.AGENT, "fetch a program",
                "use an agent certificate (agent-ID.pem of `graphagent certs init`)");
        if (refusal.isPresent()) {
            chunks.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
            return;
        }
        Optional<Path> jar = jars.find(request.getJarSha256());
        if (jar.isEmpty()) {
            chunks.onError(Status.NOT_FOUND.withDescription("the coordinator holds no jar with SHA-256 "
                    + request.getJarSha256()).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<ProgramChunk> call = (ServerCallStreamObserver<ProgramChunk>) chunks;
        Object ready = new Object();
        call.setOnReadyHandler(() -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        });
        try (InputStream in = Files.newInputStream(jar.get())) {
            long size = Files.size(jar.get());
            long offset = 0;
            byte[] buffer = new byte[CHUNK_BYTES];
            boolean first = true;
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0 || first; ) {
                // As the agent's flow control allows: a large jar is never buffered whole here.
                synchronized (ready) {
                    while (!call.isReady() && !call.isCancelled()) {
                        ready.wait(100);
                    }
                }
                if (call.isCancelled()) {
                    return;
                }
                ProgramChunk.Builder chunk = ProgramChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(buffer, 0, n));
                if (first) {
                    chunk.setJarSha256(request.getJarSha256()).setJarBytes(size);
                    first = false;
                }
                chunks.onNext(chunk.build());
                offset += n;
                if (n == 0) {
                    break;
                }
            }
            chunks.onCompleted();
            log.info("event=program_sent job={} sha256={} bytes={}", request.getJobId(), request.getJarSha256(), offset);
        } catch (IOException e) {
            chunks.onError(Status.INTERNAL.withDescription("cannot read " + jar.get() + ": " + e.getMessage()).asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunks.onError(Status.CANCELLED.withDescription("the coordinator is stopping").asRuntimeException());
        }
    }

    /** One client's upload: the first chunk names the jar; the last commits it. */
    private final class Upload implements StreamObserver<ProgramChunk> {
        private final StreamObserver<ProgramUploadReply> reply;
        private final String client;
        private JarStore.Incoming incoming;
        private String sha256;
        private boolean held;
        private boolean failed;

        Upload(StreamObserver<ProgramUploadReply> reply, String client) {
            this.reply = reply;
            this.client = client;
        }

        @Override
        public void onNext(ProgramChunk chunk) {
            if (failed || held) {
                return;
            }
            try {
                if (sha256 == null) {
                    sha256 = chunk.getJarSha256();
                    if (jars.find(sha256).isPresent()) {
                        held = true;
                        return;
                    }
                    incoming = jars.receive(sha256, chunk.getJarBytes(), JarStore.MAX_JAR_BYTES);
                }
                incoming.write(chunk.getOffset(), chunk.getData().toByteArray());
            } catch (JarStore.JarRejectedException e) {
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            } catch (IOException e) {
                fail(Status.INTERNAL.withDescription("the coordinator cannot store the jar: " + e.getMessage()));
            }
        }

        @Override
        public void onError(Throwable t) {
            drop();
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            if (sha256 == null) {
                fail(Status.INVALID_ARGUMENT.withDescription("no jar was sent"));
                return;
            }
            try {
                if (!held) {
                    Path jar = incoming.commit();
                    log.info("event=program_stored sha256={} bytes={} client={} path={}", sha256, Files.size(jar), client, jar);
                } else {
                    log.info("event=program_stored sha256={} client={} already_held=true", sha256, client);
                }
                reply.onNext(ProgramUploadReply.newBuilder().setJarSha256(sha256).setAlreadyHeld(held)
                        .setMaxJarBytes(JarStore.MAX_JAR_BYTES).build());
                reply.onCompleted();
            } catch (JarStore.JarRejectedException e) {
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            } catch (IOException e) {
                fail(Status.INTERNAL.withDescription("the coordinator cannot store the jar: " + e.getMessage()));
            } finally {
                drop();
            }
        }

        private void fail(Status status) {
            failed = true;
            drop();
            log.warn("event=program_refused cause=bad_upload client={} sha256={} detail=\"{}\"", client, sha256,
                    status.getDescription());
            reply.onError(status.asRuntimeException());
        }

        private void drop() {
            if (incoming != null) {
                incoming.close();
                incoming = null;
            }
        }
    }

    /** Swallows the chunks of an upload already refused. */
    private static final class Ignored implements StreamObserver<ProgramChunk> {
        @Override public void onNext(ProgramChunk chunk) { }

        @Override public void onError(Throwable t) { }

        @Override public void onCompleted() { }
    }
}
