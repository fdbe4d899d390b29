package io.graphagent.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.graphagent.net.time.Ticker;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.graphagent.agent.dataplane.DataPlaneService;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.tls.Channels;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.net.tls.NetworkThreads;
import io.graphagent.net.tls.Servers;
import io.graphagent.net.tls.TlsFiles;
import io.graphagent.net.tls.TransportSecurity;
import io.graphagent.protocol.v1.CheckpointChunk;
import io.graphagent.protocol.v1.CheckpointStored;
import io.graphagent.protocol.v1.DataPlaneGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint copies between two agents over real gRPC and mutual TLS on 127.0.0.1: a copy is
 * stored whole and reads back byte for byte; a torn copy, a checksum mismatch or a full disk
 * leaves no file (and never replaces a good one); a missing file or a peer that is gone fails
 * with the peer and the partition named.
 */
class CheckpointReplicasTest {
    private static final String JOB = "job-7";
    private static final int SUPERSTEP = 9;
    /** Small chunks so that a file of a few hundred KiB spans many of them. */
    private static final int CHUNK = 64 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Generous handshakes: the first one in a cold JVM on a busy machine takes over a second. */
    private static final Channels.ClientTimeouts TIMEOUTS =
            new Channels.ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), DEADLINE);

    @TempDir
    static Path certs;

    @TempDir
    Path dir;

    private NetworkThreads threads;
    private Server server;
    private ManagedChannel channel;
    private CheckpointReplicas replicas;
    private LocalCheckpoints peerDisk;
    private final ReplicaCounters peerCounters = new ReplicaCounters();
    private final ReplicaCounters counters = new ReplicaCounters();
    private ReplicaClient client;

    @BeforeAll
    static void certificates() throws Exception {
        ClusterCertificates.init(certs, 2, List.of(), Duration.ofDays(1), Clock.systemUTC());
    }

    @BeforeEach
    void start() throws Exception {
        threads = NetworkThreads.start("replica-test", 1);
        peerDisk = LocalCheckpoints.under(dir.resolve("agent-2-work"), "agent-2");
        replicas = new CheckpointReplicas(peerDisk, peerCounters);
        server = Servers.forAddress(new InetSocketAddress("127.0.0.1", 0), TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-2")),
                        Duration.ofSeconds(5), new CauseCounter(), threads)
                .addService(new DataPlaneService(job -> null, replicas, job -> null, job -> null))
                .directExecutor()
                .build().start();
        channel = Channels.client(new HostAndPort("127.0.0.1", server.getPort()),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), TIMEOUTS, threads);
        client = new ReplicaClient(counters, DEADLINE, CHUNK, Ticker.system());
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        replicas.close();
        threads.close();
    }

    @Test
    void aCopyIsStoredWholeAndFetchesBackByteForByte() throws Exception {
        Path written = dir.resolve("agent-1-own");
        byte[] p2 = file(written, 2, 5 * CHUNK + 123, 1);
        byte[] p5 = file(written, 5, CHUNK, 2);

        CheckpointStored stored = client.copy(channel, "agent-2", header(), written, new int[] {2, 5});

        assertThat(stored.getError()).isEmpty();
        assertThat(stored.getPartitionIdsList()).containsExactly(2, 5);
        Path kept = peerDisk.dir(JOB, SUPERSTEP);
        assertThat(CheckpointFile.of(kept, 2)).hasBinaryContent(p2);
        assertThat(CheckpointFile.of(kept, 5)).hasBinaryContent(p5);
        assertThat(names(kept)).containsExactlyInAnyOrder("part-2.ckpt", "part-5.ckpt");
        assertThat(counters.copiedBytes()).isEqualTo(p2.length + p5.length);
        assertThat(peerCounters.storedFiles()).isEqualTo(2);

        Path restored = dir.resolve("agent-3-restore");
        long fetched = client.fetch(channel, "agent-2", JOB, SUPERSTEP, List.of(5, 2), restored);

        assertThat(fetched).isEqualTo(p2.length + p5.length);
        assertThat(CheckpointFile.of(restored, 2)).hasBinaryContent(p2);
        assertThat(CheckpointFile.of(restored, 5)).hasBinaryContent(p5);
        assertThat(names(restored)).containsExactlyInAnyOrder("part-2.ckpt", "part-5.ckpt");
        assertThat(counters.fetchedFiles()).isEqualTo(2);
    }

    @Test
    void aTornCopyIsNeverKeptAndLeavesTheGoodOneInPlace() throws Exception {
        Path written = dir.resolve("own");
        byte[] good = file(written, 3, 3 * CHUNK, 3);
        client.copy(channel, "agent-2", header(), written, new int[] {3});

        // A second copy of partition 3 whose stream ends after two of its chunks (the sender died mid-file).
        byte[] other = random(3 * CHUNK, 4);
        CheckpointStored answer = stream(chunk(3, 0, other, 0, CHUNK, false, 0), chunk(3, CHUNK, other, CHUNK, CHUNK, false, 0));

        assertThat(answer.getError()).contains("torn").contains("partition 3");
        assertThat(answer.getPartitionIdsList()).isEmpty();
        Path kept = peerDisk.dir(JOB, SUPERSTEP);
        assertThat(CheckpointFile.of(kept, 3)).as("the good copy stays").hasBinaryContent(good);
        assertThat(names(kept)).as("no temporary left").containsExactly("part-3.ckpt");
    }

    @Test
    void aCopyWhoseChecksumDoesNotMatchIsRejected() throws Exception {
        byte[] data = random(2 * CHUNK, 5);
        int crc = crc(data);
        data[CHUNK + 17] ^= 0x40;

        CheckpointStored answer = stream(chunk(4, 0, data, 0, CHUNK, false, 0), chunk(4, CHUNK, data, CHUNK, CHUNK, true, crc));

        assertThat(answer.getError()).contains("CRC-32C").contains("partition 4");
        assertThat(answer.getPartitionIdsList()).isEmpty();
        assertThat(names(peerDisk.dir(JOB, SUPERSTEP))).isEmpty();
        assertThat(peerCounters.failures()).isEqualTo(1);
    }

    @Test
    void chunksWithAGapAreRejected() throws Exception {
        byte[] data = random(3 * CHUNK, 6);

        CheckpointStored answer = stream(chunk(1, 0, data, 0, CHUNK, false, 0),
                chunk(1, 2L * CHUNK, data, 2 * CHUNK, CHUNK, true, crc(data)));

        assertThat(answer.getError()).contains("offset " + CHUNK + " was due");
        assertThat(names(peerDisk.dir(JOB, SUPERSTEP))).isEmpty();
    }

    @Test
    void aFullDiskOnThePeerFailsTheCopyNamingPeerAndPartition() throws Exception {
        Path written = dir.resolve("own");
        file(written, 6, 2 * CHUNK, 7);
        Path kept = peerDisk.dir(JOB, SUPERSTEP);
        Files.createDirectories(kept);
        // The receiver's temporary is Linux's /dev/full: every write is ENOSPC, for real.
        Files.createSymbolicLink(kept.resolve("part-6.ckpt.tmp-copy"), Path.of("/dev/full"));

        assertThatThrownBy(() -> client.copy(channel, "agent-2", header(), written, new int[] {6}))
                .isInstanceOfSatisfying(ReplicaClient.ReplicaException.class, e -> {
                    assertThat(e.peer).isEqualTo("agent-2");
                    assertThat(e.partition).isEqualTo(6);
                })
                .hasMessageContaining("No space left on device");
        assertThat(CheckpointFile.of(kept, 6)).doesNotExist();
    }

    @Test
    void fetchingAFileThePeerDoesNotHoldFailsNamingPeerAndPartition() throws Exception {
        Path written = dir.resolve("own");
        file(written, 1, 100, 8);
        client.copy(channel, "agent-2", header(), written, new int[] {1});
        Path restored = dir.resolve("restore");

        assertThatThrownBy(() -> client.fetch(channel, "agent-2", JOB, SUPERSTEP, List.of(1, 8), restored))
                .isInstanceOfSatisfying(ReplicaClient.ReplicaException.class, e -> {
                    assertThat(e.peer).isEqualTo("agent-2");
                    assertThat(e.partition).isEqualTo(8);
                })
                .hasMessageContaining("no checkpoint file of partition 8");
        assertThat(CheckpointFile.of(restored, 8)).doesNotExist();
    }

    @Test
    void aPeerThatIsGoneFailsTheCopyWithAClassifiedCause() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ManagedChannel gone = Channels.client(new HostAndPort("127.0.0.1", closedPort),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), TIMEOUTS, threads);
        Path written = dir.resolve("own");
        file(written, 0, 1000, 9);
        try {
            assertThatThrownBy(() -> client.copy(gone, "agent-3 (127.0.0.1:" + closedPort + ")", header(), written, new int[] {0}))
                    .isInstanceOfSatisfying(ReplicaClient.ReplicaException.class, e -> {
                        assertThat(e.partition).isZero();
                        assertThat(e.causeLabel).isEqualTo("connection_refused");
                    })
                    .hasMessageContaining("agent-3 (127.0.0.1:" + closedPort + ")");
            assertThat(counters.failures()).isEqualTo(1);
        } finally {
            gone.shutdownNow();
        }
    }

    @Test
    void aRollbackEndsACopyToAPeerThatHangsAtOnce() throws Exception {
        // A peer that takes the stream and never answers, as a SIGSTOPped agent does.
        Server silent = Servers.forAddress(new InetSocketAddress("127.0.0.1", 0),
                        TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-2")), Duration.ofSeconds(5), new CauseCounter(), threads)
                .addService(new DataPlaneGrpc.DataPlaneImplBase() {
                    @Override
                    public StreamObserver<CheckpointChunk> storeCheckpoint(StreamObserver<CheckpointStored> answer) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(CheckpointChunk value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        };
                    }
                })
                .directExecutor().build().start();
        ManagedChannel hanging = Channels.client(new HostAndPort("127.0.0.1", silent.getPort()),
                TransportSecurity.tls(TlsFiles.fromDir(certs, "agent-1")), TIMEOUTS, threads);
        Path written = dir.resolve("own");
        file(written, 0, 1000, 10);
        try {
            CompletableFuture<CheckpointStored> copy = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.copy(hanging, "agent-2", header(), written, new int[] {0});
                } catch (ReplicaClient.ReplicaException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            // The copy waits for the answer (its deadline is 20 s) until the rollback cancels it.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !copy.isDone());

            client.cancel(JOB);

            assertThatThrownBy(() -> copy.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ReplicaClient.ReplicaException.class)
                    .hasMessageContaining("superseded by a rollback");
        } finally {
            hanging.shutdownNow();
            silent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static CheckpointChunk header() {
        return CheckpointChunk.newBuilder().setJobId(JOB).setJobEpoch(1).setSuperstep(SUPERSTEP).build();
    }

    private static CheckpointChunk chunk(int partition, long offset, byte[] data, int from, int length, boolean last, int crc) {
        return header().toBuilder().setPartitionId(partition).setOffset(offset)
                .setData(ByteString.copyFrom(data, from, length)).setLast(last).setCrc32C(crc).build();
    }

    /** Streams raw chunks to the peer, half-closes, and returns its answer. */
    private CheckpointStored stream(CheckpointChunk... chunks) throws Exception {
        CompletableFuture<CheckpointStored> answer = new CompletableFuture<>();
        StreamObserver<CheckpointChunk> requests = DataPlaneGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .storeCheckpoint(new StreamObserver<>() {
                    @Override
                    public void onNext(CheckpointStored value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new AssertionError("no answer"));
                    }
                });
        for (CheckpointChunk c : chunks) {
            requests.onNext(c);
        }
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static byte[] file(Path dir, int partition, int size, long seed) throws IOException {
        byte[] data = random(size, seed);
        Files.createDirectories(dir);
        Files.write(CheckpointFile.of(dir, partition), data);
        return data;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static int crc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
