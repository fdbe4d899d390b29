package io.graphagent.agent.program;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.graphagent.graph.program.JarStore;
import io.graphagent.protocol.v1.FetchProgramRequest;
import io.graphagent.protocol.v1.ProgramChunk;
import io.graphagent.protocol.v1.ProgramServiceGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's cache of user programs' jars ({@code programs} under its work directory), by
 * SHA-256: a jar it lacks is fetched from the coordinator ({@code ProgramService.FetchProgram},
 * on the agent's own authenticated channel, within a deadline) and kept only when its size and
 * SHA-256 are the ones the job names; the next job with the same jar finds it here and fetches
 * nothing. Thread-safe (one fetch at a time: jobs start one after another).
 */
public final class ProgramCache {
    private static final Logger log = LoggerFactory.getLogger(ProgramCache.class);

    private final JarStore jars;
    private final Duration deadline;
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    /** @param deadline how long one fetch may take, whole jar included */
    /** The agent's clock, for the time a fetch took. */
    private final java.time.Clock clock;

    public ProgramCache(Path directory, Duration deadline, java.time.Clock clock) {
        this.clock = clock;
        this.jars = new JarStore(directory);
        this.deadline = deadline;
    }

    /**
     * The jar with this SHA-256, from the cache or else fetched from {@code coordinator}.
     *
     * @throws ProgramUnavailableException naming the jar and why when it cannot be fetched or
     *     what arrived is not that jar
     */
    public synchronized Path jar(String sha256, long bytes, String jobId, ManagedChannel coordinator)
            throws ProgramUnavailableException {
        Optional<Path> held = jars.find(sha256);
        if (held.isPresent()) {
            hits.incrementAndGet();
            log.info("event=program_cache_hit job={} sha256={}", jobId, sha256);
            return held.get();
        }
        long t0 = clock.millis();
        try (JarStore.Incoming incoming = jars.receive(sha256, bytes, JarStore.MAX_JAR_BYTES)) {
            Iterator<ProgramChunk> chunks = ProgramServiceGrpc.newBlockingStub(coordinator)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .fetchProgram(FetchProgramRequest.newBuilder().setJarSha256(sha256).setJobId(jobId).build());
            while (chunks.hasNext()) {
                ProgramChunk chunk = chunks.next();
                incoming.write(chunk.getOffset(), chunk.getData().toByteArray());
            }
            Path jar = incoming.commit();
            fetches.incrementAndGet();
            log.info("event=program_fetched job={} sha256={} bytes={} ms={}", jobId, sha256, bytes,
                    clock.millis() - t0);
            return jar;
        } catch (StatusRuntimeException e) {
            throw new ProgramUnavailableException("cannot fetch the program jar " + sha256 + " from the coordinator: "
                    + e.getStatus().getCode() + " " + e.getStatus().getDescription());
        } catch (JarStore.JarRejectedException e) {
            throw new ProgramUnavailableException("the program jar fetched from the coordinator was refused: " + e.getMessage());
        } catch (IOException e) {
            throw new ProgramUnavailableException("cannot keep the program jar " + sha256 + " in " + jars.root() + ": "
                    + e.getMessage());
        }
    }

    /** Jars fetched from the coordinator since this agent started. */
    public long fetches() {
        return fetches.get();
    }

    /** Jobs whose jar was in the cache already. */
    public long hits() {
        return hits.get();
    }
}
