package io.graphagent.agent.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.graphagent.config.UserPrograms;
import io.graphagent.coordinator.program.ProgramServer;
import io.graphagent.graph.program.JarStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's jar cache against the coordinator's real ProgramService on 127.0.0.1: the first
 * job fetches the jar (in several chunks), the next finds it cached and fetches nothing, and a
 * jar whose bytes are not the SHA-256 the job names is refused and not kept.
 */
class ProgramCacheTest {
    @TempDir
    Path dir;

    private Server server;
    private ManagedChannel channel;
    private Path served;

    @BeforeEach
    void start() throws Exception {
        served = dir.resolve("coordinator-programs");
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ProgramServer(new JarStore(served), UserPrograms.ALLOW).definition()).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Stores {@code bytes} on the coordinator under {@code sha} (which need not be their SHA-256). */
    private void serve(String sha, byte[] bytes) throws Exception {
        Files.createDirectories(served);
        Files.write(served.resolve(sha + ".jar"), bytes);
    }

    @Test
    void theFirstJobFetchesTheJarAndTheNextFindsItCached() throws Exception {
        byte[] jar = new byte[(3 << 20) + 17];
        new Random(7).nextBytes(jar);
        Path source = Files.write(dir.resolve("p.jar"), jar);
        String sha = JarStore.sha256(source);
        serve(sha, jar);
        ProgramCache cache = new ProgramCache(dir.resolve("agent-programs"), Duration.ofSeconds(30), java.time.Clock.systemUTC());

        Path first = cache.jar(sha, jar.length, "job-1", channel);
        assertThat(Files.readAllBytes(first)).isEqualTo(jar);
        assertThat(cache.fetches()).isEqualTo(1);

        Files.delete(served.resolve(sha + ".jar")); // a second fetch would now fail
        Path second = cache.jar(sha, jar.length, "job-2", channel);
        assertThat(second).isEqualTo(first);
        assertThat(cache.fetches()).as("nothing fetched for the second job").isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void bytesThatAreNotTheNamedJarAreRefusedAndNotKept() throws Exception {
        byte[] named = "the jar the job names".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String sha = JarStore.sha256(Files.write(dir.resolve("named.jar"), named));
        byte[] other = "other bytes, same size".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        serve(sha, java.util.Arrays.copyOf(other, named.length));
        ProgramCache cache = new ProgramCache(dir.resolve("agent-programs"), Duration.ofSeconds(30), java.time.Clock.systemUTC());

        assertThatThrownBy(() -> cache.jar(sha, named.length, "job-1", channel))
                .isInstanceOf(ProgramUnavailableException.class)
                .hasMessageStartingWith("the program jar fetched from the coordinator was refused: the jar received has SHA-256 ")
                .hasMessageEndingWith(", not the " + sha + " announced: it was corrupted or changed in transit");
        assertThat(new JarStore(dir.resolve("agent-programs")).find(sha)).isEmpty();
        assertThat(cache.fetches()).isZero();
    }

    @Test
    void aJarTheCoordinatorDoesNotHoldIsNamedInTheFailure() {
        ProgramCache cache = new ProgramCache(dir.resolve("agent-programs"), Duration.ofSeconds(30), java.time.Clock.systemUTC());
        String sha = "b".repeat(64);

        assertThatThrownBy(() -> cache.jar(sha, 10, "job-1", channel))
                .isInstanceOf(ProgramUnavailableException.class)
                .hasMessage("cannot fetch the program jar " + sha + " from the coordinator: NOT_FOUND the coordinator holds"
                        + " no jar with SHA-256 " + sha);
    }
}
