package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule of {@code config check}, each with a config that breaks it and one that
 * passes. Configs are YAML files in a temporary directory, loaded as a process would; TLS
 * points at an existing certificates directory unless the test is about TLS.
 */
class ConfigCheckTest {

    @TempDir
    Path dir;

    private Path certs;

    @BeforeEach
    void certificatesDirectory() throws IOException {
        certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("ca.pem"), "pem");
    }

    /** Problems of a YAML config, with tls.certs-dir set unless the YAML has a tls section. */
    private List<Problem> check(String yaml) throws IOException {
        Path file = dir.resolve("graphagent.yaml");
        Files.writeString(file, yaml);
        Map<String, String> env = yaml.contains("tls:") ? Map.of() : Map.of("GRAPHAGENT_TLS_CERTS_DIR", certs.toString());
        ConfigLoader.Result loaded = ConfigLoader.read(file, env);
        assertThat(loaded.problems()).as("load problems").isEmpty();
        return ConfigCheck.check(loaded.config(), file.toString());
    }

    private static List<Problem> about(List<Problem> problems, String key) {
        return problems.stream().filter(p -> p.key().equals(key)).toList();
    }

    // --- profiles ---------------------------------------------------------------------

    @Test
    void testProfilePassesItsOwnCheck() throws IOException {
        assertThat(check("profile: test\n")).isEmpty();
    }

    @Test
    void lanAndWanProfilesPassTheirOwnCheck() throws IOException {
        assertThat(check("profile: lan\n")).isEmpty();
        assertThat(check("profile: wan\n")).isEmpty();
    }

    // --- the etcd store ------------------------------------------------------------------

    @Test
    void anElectionTtlLongerThanTheAgentsLeaseIsAnErrorNamingBoth() throws IOException {
        List<Problem> problems = about(check("""
                coordinator:
                  store: etcd
                  etcd:
                    endpoints: http://127.0.0.1:2379
                    insecure: true
                    election-ttl: 6s
                """), "coordinator.etcd.election-ttl");
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
            assertThat(p.message()).startsWith("6s is longer than session.lease-ttl (5s)");
            assertThat(p.fix()).contains("at most 5s");
        });
    }

    @Test
    void theElectionTtlIsWholeSecondsOfAtLeastTwo() throws IOException {
        List<Problem> problems = about(check("""
                coordinator:
                  store: etcd
                  etcd:
                    endpoints: http://127.0.0.1:2379
                    insecure: true
                    election-ttl: 1500ms
                """), "coordinator.etcd.election-ttl");
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("1500ms is not a whole number of seconds of at least 2s"));
    }

    @Test
    void plaintextEtcdNeedsTheInsecureFlagAndTlsEtcdNeedsItsFiles() throws IOException {
        assertThat(about(check("coordinator:\n  store: etcd\n  etcd:\n    endpoints: http://127.0.0.1:2379\n"),
                "coordinator.etcd.endpoints")).singleElement().satisfies(p -> assertThat(p.fix()).contains("insecure: true"));
        assertThat(about(check("coordinator:\n  store: etcd\n  etcd:\n    endpoints: http://127.0.0.1:2379\n    insecure: true\n"),
                "coordinator.etcd.insecure")).singleElement()
                .satisfies(p -> assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING));
        List<Problem> tls = check("coordinator:\n  store: etcd\n  etcd:\n    endpoints: https://127.0.0.1:2379\n");
        assertThat(about(tls, "coordinator.etcd.ca")).singleElement().satisfies(p -> assertThat(p.message())
                .contains("https:// etcd endpoints need coordinator.etcd.ca"));
        assertThat(about(tls, "coordinator.etcd.key")).hasSize(1);
        assertThat(about(check("coordinator:\n  store: etcd\n"), "coordinator.etcd.endpoints")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no etcd endpoint"));
    }

    // --- lease-ttl >= 3 x heartbeat-interval -------------------------------------------

    @Test
    void leaseShorterThanThreeHeartbeatsIsAnError() throws IOException {
        List<Problem> problems = check("""
                session:
                  heartbeat-interval: 1s
                  lease-ttl: 2s
                  suspect-after: 1500ms
                tls:
                  enabled: false
                """);

        assertThat(about(problems, "session.lease-ttl")).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.render()).isEqualTo("ERROR session.lease-ttl: 2s is less than 3 x session.heartbeat-interval (1s)."
                    + " Fix: set session.lease-ttl to at least 3s.");
        });
    }

    @Test
    void leaseOfExactlyThreeHeartbeatsPasses() throws IOException {
        assertThat(about(check("""
                session:
                  heartbeat-interval: 1s
                  lease-ttl: 3s
                """), "session.lease-ttl")).isEmpty();
    }

    // --- suspect-after ----------------------------------------------------------------

    @Test
    void suspectAfterNotBelowTheLeaseIsAnError() throws IOException {
        assertThat(about(check("""
                session:
                  lease-ttl: 5s
                  suspect-after: 5s
                """), "session.suspect-after")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("DEAD without ever being SUSPECT"));
    }

    @Test
    void suspectAfterNotAboveTheHeartbeatIsAWarning() throws IOException {
        assertThat(about(check("""
                session:
                  heartbeat-interval: 1s
                  suspect-after: 1s
                """), "session.suspect-after")).singleElement()
                .satisfies(p -> assertThat(p.isError()).isFalse());
    }

    // --- keepalive ---------------------------------------------------------------------

    @Test
    void keepaliveBelowThePermittedTimeIsAnErrorExplainingTooManyPings() throws IOException {
        List<Problem> problems = check("""
                grpc:
                  keepalive-time: 15s
                  permit-keepalive-time: 30s
                """);

        assertThat(about(problems, "grpc.keepalive-time")).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.message()).contains("every 15s").contains("grpc.permit-keepalive-time (30s)");
            assertThat(p.fix()).contains("at least 30s").contains("GOAWAY").contains("too_many_pings");
        });
    }

    @Test
    void keepaliveAtThePermittedTimePasses() throws IOException {
        assertThat(about(check("""
                grpc:
                  keepalive-time: 30s
                  permit-keepalive-time: 30s
                """), "grpc.keepalive-time")).isEmpty();
    }

    @Test
    void keepaliveUnderTenSecondsWarnsThatGrpcJavaRaisesIt() throws IOException {
        List<Problem> problems = check("""
                grpc:
                  keepalive-time: 5s
                  permit-keepalive-time: 10s
                """);

        assertThat(about(problems, "grpc.keepalive-time")).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.message()).contains("raises keepalive times under 10s to 10s");
        });
    }

    @Test
    void keepaliveRaisedToTenSecondsIsStillBelowALargerPermittedTime() throws IOException {
        List<Problem> problems = about(check("""
                grpc:
                  keepalive-time: 5s
                  permit-keepalive-time: 20s
                """), "grpc.keepalive-time");

        assertThat(problems).filteredOn(Problem::isError).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("every 10s").contains("raised to grpc-java's 10s floor"));
    }

    // --- TLS handshake timeout < lease-ttl ----------------------------------------------

    @Test
    void handshakeTimeoutNotBelowTheLeaseIsAnError() throws IOException {
        assertThat(about(check("""
                session:
                  lease-ttl: 5s
                tls:
                  certs-dir: %s
                  handshake-timeout: 5s
                """.formatted(certs)), "tls.handshake-timeout")).singleElement().satisfies(p -> {
                    assertThat(p.isError()).isTrue();
                    assertThat(p.fix()).contains("below 5s");
                });
    }

    @Test
    void handshakeTimeoutBelowTheLeasePasses() throws IOException {
        assertThat(about(check("""
                session:
                  lease-ttl: 5s
                tls:
                  certs-dir: %s
                  handshake-timeout: 4s
                """.formatted(certs)), "tls.handshake-timeout")).isEmpty();
    }

    // --- proxy idle timeout ------------------------------------------------------------

    @Test
    void proxyIdleTimeoutNotAboveTheKeepaliveIsAnError() throws IOException {
        assertThat(about(check("""
                grpc:
                  keepalive-time: 60s
                  permit-keepalive-time: 20s
                network:
                  proxy-idle-timeout: 60s
                """), "network.proxy-idle-timeout")).singleElement().satisfies(p -> {
                    assertThat(p.message()).contains("gRPC keepalive time (1m)");
                    assertThat(p.fix()).contains("set grpc.keepalive-time below 1m, e.g. 30s");
                });
    }

    @Test
    void proxyIdleTimeoutNotAboveTheHeartbeatIsAnError() throws IOException {
        List<Problem> problems = about(check("""
                session:
                  heartbeat-interval: 10s
                  lease-ttl: 30s
                  suspect-after: 20s
                network:
                  proxy-idle-timeout: 10s
                """), "network.proxy-idle-timeout");

        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("session.heartbeat-interval (10s)"));
        assertThat(problems).anySatisfy(p -> assertThat(p.fix()).contains("grpc-java never pings more often than every 10s"));
    }

    @Test
    void proxyIdleTimeoutUnderTwoHeartbeatsWarnsThatOneLateHeartbeatLetsTheProxyCut() throws IOException {
        assertThat(about(check("""
                session:
                  heartbeat-interval: 10s
                  lease-ttl: 30s
                  suspect-after: 20s
                grpc:
                  keepalive-time: 10s
                  permit-keepalive-time: 10s
                network:
                  proxy-idle-timeout: 15s
                """), "network.proxy-idle-timeout")).singleElement().satisfies(p -> {
                    assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
                    assertThat(p.message()).isEqualTo("15s is less than 2 x session.heartbeat-interval (10s): one heartbeat late"
                            + " by a GC pause or a busy CPU leaves the session quiet long enough for the proxy to cut it");
                    assertThat(p.fix()).isEqualTo("set session.heartbeat-interval to at most 5s, or raise the proxy's idle timeout");
                });
    }

    @Test
    void proxyIdleTimeoutAboveHeartbeatAndKeepalivePasses() throws IOException {
        assertThat(about(check("""
                network:
                  proxy-idle-timeout: 60s
                """), "network.proxy-idle-timeout")).isEmpty();
    }

    // --- sanity ------------------------------------------------------------------------

    @Test
    void zeroDurationsAreErrors() throws IOException {
        List<Problem> problems = check("""
                grpc:
                  keepalive-timeout: 0
                """);

        assertThat(about(problems, "grpc.keepalive-timeout")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("0s is not a positive duration"));
    }

    @Test
    void zeroPermittedKeepaliveMeansAnyRateAndPasses() throws IOException {
        assertThat(check("""
                grpc:
                  permit-keepalive-time: 0
                """)).isEmpty();
    }

    @Test
    void portsOutOfRangeAreErrors() throws IOException {
        List<Problem> problems = check("""
                coordinator:
                  listen: 127.0.0.1:70000
                agent:
                  coordinator: 127.0.0.1:0
                """);

        assertThat(about(problems, "coordinator.listen")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("port 70000 is out of range"));
        assertThat(about(problems, "agent.coordinator")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("port 0 is out of range"));
    }

    @Test
    void adminOnTheCoordinatorPortIsAnError() throws IOException {
        assertThat(about(check("""
                coordinator:
                  listen: 127.0.0.1:7400
                  admin-listen: 127.0.0.1:7400
                """), "coordinator.admin-listen")).singleElement().satisfies(p -> assertThat(p.isError()).isTrue());
    }

    @Test
    void wildcardDataListenWithoutAdvertisedAddressIsAWarning() throws IOException {
        assertThat(about(check("""
                agent:
                  data-listen: 0.0.0.0:7500
                """), "agent.data-advertise")).singleElement().satisfies(p -> assertThat(p.isError()).isFalse());
        assertThat(check("""
                agent:
                  data-listen: 0.0.0.0:7500
                  data-advertise: 10.0.0.5:7500
                """)).isEmpty();
    }

    @Test
    void maxMessageSizeUnderOneMebibyteIsAnError() throws IOException {
        assertThat(about(check("""
                grpc:
                  max-message-size: 512KiB
                """), "grpc.max-message-size")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("512KiB is less than 1MiB"));
        assertThat(check("""
                grpc:
                  max-message-size: 1MiB
                """)).isEmpty();
    }

    @Test
    void maxMessageSizeOverGrpcsLimitIsAnError() throws IOException {
        assertThat(about(check("""
                grpc:
                  max-message-size: 2GiB
                """), "grpc.max-message-size")).singleElement().satisfies(p -> assertThat(p.isError()).isTrue());
    }

    @Test
    void reconnectSettingsAreSane() throws IOException {
        List<Problem> problems = check("""
                session:
                  reconnect:
                    initial: 10s
                    multiplier: 0.5
                    max: 1s
                    max-attempts: -1
                """);

        assertThat(problems).extracting(Problem::key).containsExactlyInAnyOrder(
                "session.reconnect.multiplier", "session.reconnect.max", "session.reconnect.max-attempts",
                "session.reconnect.initial");
        assertThat(about(problems, "session.reconnect.initial")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("never be resumed within its lease"));
    }

    @Test
    void jobSettingsAreSane() throws IOException {
        assertThat(check("""
                job:
                  checkpoint-every: -1
                  partitions-per-agent: 0
                  min-agents: 0
                  agent-wait: 0s
                """)).extracting(Problem::key).containsExactly("job.agent-wait", "job.checkpoint-every",
                "job.partitions-per-agent", "job.min-agents");
    }

    @Test
    void namesWithSpacesAreErrors() throws IOException {
        assertThat(check("""
                cluster:
                  id: my cluster
                agent:
                  id: agent one
                """)).extracting(Problem::key).containsExactly("cluster.id", "agent.id");
    }

    // --- TLS files ---------------------------------------------------------------------

    @Test
    void tlsWithoutCertificatesIsAnError() throws IOException {
        assertThat(check("""
                tls:
                  enabled: true
                """)).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("tls.certs-dir");
                    assertThat(p.fix()).contains("graphagent certs init");
                });
    }

    @Test
    void missingCertificateFileIsAnErrorNamingTheFile() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        Path key = Files.writeString(dir.resolve("agent-key.pem"), "pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path cert = dir.resolve("agent.pem");

        List<Problem> problems = check("""
                tls:
                  ca: %s
                  cert: %s
                  key: %s
                """.formatted(ca, cert, key));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("tls.cert");
            assertThat(p.message()).contains("file " + cert + " does not exist").contains("graphagent.yaml");
        });
    }

    @Test
    void existingCertificateFilesPass() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        Path cert = Files.writeString(dir.resolve("agent.pem"), "pem");
        Path key = Files.writeString(dir.resolve("agent-key.pem"), "pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        assertThat(check("""
                tls:
                  ca: %s
                  cert: %s
                  key: %s
                """.formatted(ca, cert, key))).isEmpty();
    }

    @Test
    void keyWithoutCertificatesDirectoryNamesTheMissingKeys() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");

        assertThat(check("""
                tls:
                  ca: %s
                """.formatted(ca))).extracting(Problem::key).containsExactly("tls.cert", "tls.key");
    }

    @Test
    void missingCertificatesDirectoryIsAnErrorNamingIt() throws IOException {
        Path missing = dir.resolve("no-certs");

        assertThat(check("""
                tls:
                  certs-dir: %s
                """.formatted(missing))).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("tls.certs-dir");
                    assertThat(p.message()).contains(missing + " does not exist");
                    assertThat(p.fix()).contains("graphagent certs init --out " + missing);
                });
    }

    @Test
    void certificatesDirectoryWithoutTheCaIsAnError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(check("""
                tls:
                  certs-dir: %s
                """.formatted(empty))).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("tls.certs-dir");
                    assertThat(p.message()).contains("has no ca.pem");
                });
    }

    @Test
    void privateKeyReadableByOthersIsAWarning() throws IOException {
        Path key = Files.writeString(dir.resolve("key.pem"), "pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(check("""
                tls:
                  certs-dir: %s
                  key: %s
                """.formatted(certs, key))).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("tls.key");
                    assertThat(p.isError()).isFalse();
                    assertThat(p.fix()).isEqualTo("chmod 600 " + key);
                });
    }

    @Test
    void plaintextIsAWarning() throws IOException {
        assertThat(check("""
                tls:
                  enabled: false
                """)).singleElement().satisfies(p -> {
                    assertThat(p.key()).isEqualTo("tls.enabled");
                    assertThat(p.isError()).isFalse();
                    assertThat(p.message()).startsWith("plaintext");
                });
    }

    // --- admin token -------------------------------------------------------------------

    @Test
    void adminApiOffLoopbackWithoutTokenIsAnError() throws IOException {
        assertThat(about(check("""
                coordinator:
                  admin-listen: 0.0.0.0:7480
                """), "admin.token")).singleElement().satisfies(p -> assertThat(p.isError()).isTrue());
    }

    @Test
    void adminApiOffLoopbackWithALongTokenPasses() throws IOException {
        assertThat(check("""
                coordinator:
                  admin-listen: 0.0.0.0:7480
                admin:
                  token: 0123456789abcdef0123
                """)).isEmpty();
    }

    @Test
    void shortAdminTokenIsAWarning() throws IOException {
        assertThat(about(check("""
                admin:
                  token: abc
                """), "admin.token")).singleElement().satisfies(p -> assertThat(p.isError()).isFalse());
    }
}
