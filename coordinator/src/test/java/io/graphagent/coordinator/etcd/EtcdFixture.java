package io.graphagent.coordinator.etcd;

import static org.awaitility.Awaitility.await;

import io.graphagent.config.EtcdConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real etcd for tests (Debian's etcd-server, installed by .ci/run): one single-member cluster
 * shared by every test of a JVM (started on first use, killed at exit), and fresh clusters of
 * any size for tests where members die. Each test takes its own cluster id, so their keys
 * never meet. No mock of etcd anywhere.
 */
public final class EtcdFixture {

    private static final AtomicInteger IDS = new AtomicInteger();
    private static LocalEtcd shared;

    private EtcdFixture() {
    }

    /** The shared single-member etcd, answering. */
    public static synchronized LocalEtcd shared() {
        if (shared == null) {
            shared = start(1);
        }
        return shared;
    }

    /** A new cluster of {@code size} members in a temporary directory, answering; the caller closes it. */
    public static LocalEtcd start(int size) {
        try {
            Path dir = Files.createTempDirectory("graphagent-etcd");
            LocalEtcd etcd = LocalEtcd.start(LocalEtcd.DEFAULT_BINARY, dir, size);
            awaitQuorum(etcd);
            return etcd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a quorum of {@code etcd} serves reads. */
    public static void awaitQuorum(LocalEtcd etcd) {
        EtcdConfig config = plaintext(etcd.endpointList(), Duration.ofSeconds(2));
        try (EtcdConnection c = EtcdConnection.open(config, "probe", Duration.ofSeconds(1))) {
            await().atMost(LocalEtcd.startupTime().plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> EtcdProbe.check(c).quorum());
        } catch (EtcdException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plaintext (insecure) settings for {@code endpoints}. */
    public static EtcdConfig plaintext(List<String> endpoints, Duration electionTtl) {
        return new EtcdConfig(endpoints, Optional.empty(), Optional.empty(), Optional.empty(), true, electionTtl);
    }

    /** A cluster id no other test uses. */
    public static String clusterId(String what) {
        return what + "-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
    }
}
