package io.graphagent.agent.load;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.graphagent.protocol.v1.InputServiceGrpc;
import io.graphagent.protocol.v1.InputSplit;
import io.graphagent.protocol.v1.ReadSplitRequest;
import io.graphagent.protocol.v1.SplitChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a split of the input from the coordinator ({@code InputService.ReadSplit}) into a
 * local file, for an agent that cannot read the input at its path (no shared file system).
 * The coordinator moves the range's ends to line starts, so the local file holds whole lines.
 */
public final class SplitFetcher {
    private final String jobId;
    private final ManagedChannel coordinator;
    private final Duration deadline;
    private final Path directory;

    /** @param directory where fetched splits are kept while they are parsed (the agent's work directory) */
    public SplitFetcher(String jobId, ManagedChannel coordinator, Duration deadline, Path directory) {
        this.jobId = jobId;
        this.coordinator = coordinator;
        this.deadline = deadline;
        this.directory = directory;
    }

    /** A split fetched: the local file and the position in the input of its first byte. */
    record Fetched(Path file, long offset, long bytes) {
    }

    Fetched fetch(InputSplit split) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "split-" + jobId + "-", ".part");
        long offset = -1;
        long bytes = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            Iterator<SplitChunk> chunks = InputServiceGrpc.newBlockingStub(coordinator)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .readSplit(ReadSplitRequest.newBuilder().setJobId(jobId).setFile(split.getFile())
                            .setStart(split.getStart()).setEnd(split.getEnd()).build());
            while (chunks.hasNext()) {
                SplitChunk chunk = chunks.next();
                if (offset < 0) {
                    offset = chunk.getOffset();
                } else if (chunk.getOffset() != offset + bytes) {
                    throw new IOException("the coordinator streamed bytes from " + chunk.getOffset() + ", expected "
                            + (offset + bytes));
                }
                chunk.getData().writeTo(out);
                bytes += chunk.getData().size();
            }
        } catch (StatusRuntimeException e) {
            Files.deleteIfExists(file);
            throw new IOException("cannot fetch bytes " + split.getStart() + ".." + split.getEnd() + " of the "
                    + split.getFile() + " from the coordinator: " + e.getStatus().getCode() + " "
                    + e.getStatus().getDescription(), e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new Fetched(file, Math.max(0, offset), bytes);
    }
}
