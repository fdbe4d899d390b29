package io.graphagent.coordinator.program;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.graphagent.config.UserPrograms;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.ProgramChunk;
import io.graphagent.protocol.v1.ProgramUploadReply;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may upload code: outside a TLS call (an --insecure coordinator: no certificate names the
 * sender) and on a cluster with job.user-programs: deny, an upload is refused with the reason
 * and nothing is stored.
 */
class ProgramServerTest {
    @TempDir
    Path dir;

    private static final class Recorder implements StreamObserver<ProgramUploadReply> {
        Throwable error;
        ProgramUploadReply reply;

        @Override public void onNext(ProgramUploadReply value) { reply = value; }

        @Override public void onError(Throwable t) { error = t; }

        @Override public void onCompleted() { }
    }

    private Recorder upload(UserPrograms policy) {
        Recorder recorder = new Recorder();
        StreamObserver<ProgramChunk> in = new ProgramServer(new JarStore(dir), policy).uploadProgram(recorder);
        in.onNext(ProgramChunk.newBuilder().setJarSha256("a".repeat(64)).setJarBytes(3)
                .setData(com.google.protobuf.ByteString.copyFromUtf8("abc")).build());
        in.onCompleted();
        return recorder;
    }

    @Test
    void anUploadWithoutTlsIsRefusedBecauseNoCertificateNamesTheSender() throws Exception {
        Recorder r = upload(UserPrograms.ALLOW);
        assertThat(r.reply).isNull();
        assertThat(Status.fromThrowable(r.error).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Status.fromThrowable(r.error).getDescription()).startsWith("this coordinator runs without TLS (--insecure),"
                + " so no certificate says who sends the code: user programs are refused.");
        assertThat(Files.list(dir).toList()).isEmpty();
    }

    @Test
    void anUploadToADenyingClusterIsRefusedNamingTheKey() throws Exception {
        Recorder r = upload(UserPrograms.DENY);
        assertThat(Status.fromThrowable(r.error).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Status.fromThrowable(r.error).getDescription())
                .startsWith("this cluster runs no user programs (job.user-programs: deny on the coordinator).");
        assertThat(Files.list(dir).toList()).isEmpty();
    }
}
