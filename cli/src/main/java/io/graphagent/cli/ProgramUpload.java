package io.graphagent.cli;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.ProgramChunk;
import io.graphagent.protocol.v1.ProgramRef;
import io.graphagent.protocol.v1.ProgramServiceGrpc;
import io.graphagent.protocol.v1.ProgramUploadReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;

/**
 * {@code submit --program}: checks that the file is a jar of at most
 * {@link JarStore#MAX_JAR_BYTES}, names it by its SHA-256 and streams it to the coordinator
 * ({@code ProgramService.UploadProgram}) in chunks of 1 MiB. The coordinator checks the class
 * and parameters at Submit; a jar it already holds is not stored twice.
 */
final class ProgramUpload {
    static final int CHUNK_BYTES = 1 << 20;

    private ProgramUpload() {
    }

    /**
     * The program reference of {@code className} in {@code jar}, after checking the file.
     *
     * @throws BadInputException naming the file when it is missing, not a jar, or too large
     */
    static ProgramRef describe(Path jar, String className) {
        if (!Files.isRegularFile(jar)) {
            throw new BadInputException("program jar " + jar + ": no such file", "pass the path of the jar your build made"
                    + " (e.g. target/my-program.jar)");
        }
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // opened only to check it is a jar
        } catch (IOException e) {
            throw new BadInputException("program jar " + jar + " is not a jar (" + e.getMessage() + ")",
                    "pass the jar built from your program (mvn package), not a class or source file");
        }
        try {
            long bytes = Files.size(jar);
            if (bytes > JarStore.MAX_JAR_BYTES) {
                throw new BadInputException("program jar " + jar + " is " + bytes + " bytes; the coordinator takes at most "
                        + (JarStore.MAX_JAR_BYTES >> 20) + " MiB", "ship the program without bundled copies of graphagent"
                        + " or large data files");
            }
            return ProgramRef.newBuilder().setClassName(className).setJarSha256(JarStore.sha256(jar)).setJarBytes(bytes).build();
        } catch (IOException e) {
            throw new BadInputException("cannot read program jar " + jar + ": " + e.getMessage(), "check the file's permissions");
        }
    }

    /**
     * Streams the jar to the coordinator within {@code deadline}.
     *
     * @throws StatusRuntimeException when the coordinator refuses it or the call fails
     */
    static ProgramUploadReply send(Channel channel, Path jar, ProgramRef ref, Duration deadline) {
        CompletableFuture<ProgramUploadReply> done = new CompletableFuture<>();
        StreamObserver<ProgramChunk> out = ProgramServiceGrpc.newStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .uploadProgram(new StreamObserver<>() {
                    @Override public void onNext(ProgramUploadReply reply) { done.complete(reply); }

                    @Override public void onError(Throwable t) { done.completeExceptionally(t); }

                    @Override public void onCompleted() { done.completeExceptionally(Status.INTERNAL
                            .withDescription("the coordinator ended the upload without a reply").asRuntimeException()); }
                });
        try (InputStream in = Files.newInputStream(jar)) {
            byte[] buffer = new byte[CHUNK_BYTES];
            long offset = 0;
            boolean first = true;
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0 || first; ) {
                ProgramChunk.Builder chunk = ProgramChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(buffer, 0, n));
                if (first) {
                    chunk.setJarSha256(ref.getJarSha256()).setJarBytes(ref.getJarBytes());
                    first = false;
                }
                out.onNext(chunk.build());
                offset += n;
                if (n == 0 || done.isDone()) {
                    break;
                }
            }
            out.onCompleted();
        } catch (IOException e) {
            out.onError(e);
            throw new UncheckedIOException("cannot read program jar " + jar, e);
        }
        try {
            return done.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("upload of " + jar + " not acknowledged within " + deadline)
                    .asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }
}
