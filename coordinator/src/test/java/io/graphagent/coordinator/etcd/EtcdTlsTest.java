package io.graphagent.coordinator.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.graphagent.config.EtcdConfig;
import io.graphagent.coordinator.leader.CoordinatorDirectory;
import io.graphagent.coordinator.leader.LeaderElection;
import io.graphagent.coordinator.leader.Leadership;
import io.graphagent.coordinator.store.EtcdClusterStore;
import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.certs.CertificateAuthority;
import io.graphagent.net.certs.ClusterCertificates;
import io.graphagent.net.certs.KeyMaterial;
import io.graphagent.net.certs.PemFiles;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.StoredJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real etcd serving TLS with client-certificate authentication (certificates from the
 * project's own {@code certs init} code): the coordinator's connection elects and records over
 * it, and a client whose certificate another CA signed is refused with a classified cause.
 */
class EtcdTlsTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    /**
     * Call bound of the refused clients: jetcd gives up its retries at 3/4 of it with the handshake's
     * own error; the default 2 s leaves too little of that on a loaded machine, where a timeout
     * (which names no cause) could win.
     */
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(6);

    private static Path certs;
    private static LocalEtcd etcd;

    @BeforeAll
    static void startEtcdWithTls() throws Exception {
        Path dir = Files.createTempDirectory("graphagent-etcd-tls");
        certs = dir.resolve("certs");
        Instant now = Instant.now();
        ClusterCertificates.init(certs, 0, List.of(), Duration.ofDays(1), Clock.systemUTC());
        CertificateAuthority ca = ClusterCertificates.readCa(certs);
        KeyMaterial server = ca.issueLeaf("etcd", ClusterCertificates.subjectAltNames(List.of()),
                List.of(CertificateAuthority.Usage.SERVER, CertificateAuthority.Usage.CLIENT),
                now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(1)));
        PemFiles.write(server, certs.resolve("etcd.pem"), certs.resolve("etcd-key.pem"));
        etcd = LocalEtcd.start(LocalEtcd.DEFAULT_BINARY, dir.resolve("etcd"), 1, Optional.of(new LocalEtcd.Tls(
                certs.resolve(ClusterCertificates.CA_CERT), certs.resolve("etcd.pem"), certs.resolve("etcd-key.pem"))));
        try (EtcdConnection ready = EtcdConnection.open(coordinatorTls(), "ready")) {
            await().atMost(LocalEtcd.startupTime().plusSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> EtcdProbe.check(ready).quorum());
        }
    }

    private static EtcdConfig coordinatorTls() {
        return tls(certs.resolve(ClusterCertificates.CA_CERT),
                certs.resolve(ClusterCertificates.certFile(ClusterCertificates.COORDINATOR)),
                certs.resolve(ClusterCertificates.keyFile(ClusterCertificates.COORDINATOR)));
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static EtcdConfig tls(Path ca, Path cert, Path key) {
        return new EtcdConfig(etcd.endpointList(), Optional.of(ca), Optional.of(cert), Optional.of(key), false, TTL);
    }

    @Test
    void theCoordinatorElectsAndRecordsOverMutualTls() throws Exception {
        assertThat(etcd.endpointList()).allMatch(url -> url.startsWith("https://"));
        String cluster = EtcdFixture.clusterId("tls");
        EtcdConfig config = coordinatorTls();
        try (EtcdConnection connection = EtcdConnection.open(config, cluster);
             EtcdConnection storeConnection = EtcdConnection.open(config, cluster)) {
            try (LeaderElection election = new LeaderElection(connection, StoredCoordinator.newBuilder()
                    .setCoordinatorId("c-tls").setAddress("127.0.0.1:7401").build(), TTL, Clock.systemUTC(),
                    new LeaderElection.Listener() {
                        @Override
                        public void elected(Leadership leadership) {
                        }

                        @Override
                        public void deposed(Leadership leadership, String why) {
                        }
                    })) {
                election.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> election.leadership().isPresent());
                assertThat(election.leadership().orElseThrow().term().value()).isEqualTo(1);
                assertThat(CoordinatorDirectory.leader(storeConnection).orElseThrow().getAddress()).isEqualTo("127.0.0.1:7401");
                try (EtcdClusterStore store = EtcdClusterStore.open(storeConnection, election.leadership().orElseThrow())) {
                    store.jobs().save(StoredJob.newBuilder().setJobId("job-1").setState(JobState.RUNNING).build());
                    assertThat(storeConnection.getPrefix(storeConnection.keys().jobs(), "list the jobs").getKvs())
                            .extracting(kv -> EtcdConnection.text(kv.getKey()))
                            .containsExactly(storeConnection.keys().job("job-1"));
                }
            }
        }
    }

    @Test
    void aClientWhoseCertificateAnotherCaSignedIsRefusedWithTheClassifiedCause() throws Exception {
        Path other = Files.createTempDirectory("graphagent-etcd-other-ca");
        ClusterCertificates.init(other, 0, List.of(), Duration.ofDays(1), Clock.systemUTC());
        // Trusts etcd (the right CA), but presents a certificate etcd does not trust.
        EtcdConfig config = tls(certs.resolve(ClusterCertificates.CA_CERT),
                other.resolve(ClusterCertificates.certFile(ClusterCertificates.COORDINATOR)),
                other.resolve(ClusterCertificates.keyFile(ClusterCertificates.COORDINATOR)));
        try (EtcdConnection connection = EtcdConnection.open(config, EtcdFixture.clusterId("tls-refused"), REFUSAL_BOUND)) {
            assertThatThrownBy(() -> CoordinatorDirectory.leader(connection))
                    .isInstanceOfSatisfying(EtcdException.class, e -> {
                        assertThat(e.disconnectCause()).isEqualTo(DisconnectCause.TLS_CLIENT_CERT_REFUSED);
                        assertThat(e.unavailable()).isFalse();
                    })
                    .hasMessageContaining("cause=tls_client_cert_refused")
                    .hasMessageContaining(DisconnectCause.TLS_CLIENT_CERT_REFUSED.explanation());
        }
    }

    @Test
    void aClientThatDoesNotTrustEtcdsCertificateSaysSo() throws Exception {
        Path other = Files.createTempDirectory("graphagent-etcd-wrong-trust");
        ClusterCertificates.init(other, 0, List.of(), Duration.ofDays(1), Clock.systemUTC());
        EtcdConfig config = tls(other.resolve(ClusterCertificates.CA_CERT),
                certs.resolve(ClusterCertificates.certFile(ClusterCertificates.COORDINATOR)),
                certs.resolve(ClusterCertificates.keyFile(ClusterCertificates.COORDINATOR)));
        try (EtcdConnection connection = EtcdConnection.open(config, EtcdFixture.clusterId("tls-untrusted"), REFUSAL_BOUND)) {
            assertThatThrownBy(() -> CoordinatorDirectory.leader(connection))
                    .isInstanceOfSatisfying(EtcdException.class,
                            e -> assertThat(e.disconnectCause()).isEqualTo(DisconnectCause.TLS_UNKNOWN_CA))
                    .hasMessageContaining("cause=tls_unknown_ca");
        }
    }
}
