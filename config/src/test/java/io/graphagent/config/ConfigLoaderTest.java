package io.graphagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("graphagent.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigLoader.Result read(String yaml, Map<String, String> env) throws IOException {
        return ConfigLoader.read(write(yaml), env);
    }

    private ConfigLoader.Result read(String yaml) throws IOException {
        return read(yaml, Map.of());
    }

    @Test
    void emptyFileGivesTheLanDefaults() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write(""), Map.of());

        assertThat(config).isEqualTo(Profile.LAN.defaults());
        assertThat(config.coordinator().listen()).hasToString("127.0.0.1:7400");
        assertThat(config.coordinator().adminListen()).hasToString("127.0.0.1:7480");
        assertThat(config.session().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.session().leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.session().reconnect().initial()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.session().reconnect().multiplier()).isEqualTo(2.0);
        assertThat(config.session().reconnect().max()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.session().reconnect().maxAttempts()).isZero();
        assertThat(config.session().reconnect().jitter()).isTrue();
    }

    @Test
    void fileValuesOfEveryTypeAreRead() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write("""
                cluster:
                  id: prod
                coordinator:
                  listen: 0.0.0.0:9000
                  state-dir: /var/lib/graphagent
                agent:
                  coordinator: coord.example.org:9000
                  data-advertise: 10.0.0.5:7500
                  id: agent-7
                session:
                  lease-ttl: 1m30s
                  reconnect:
                    multiplier: 1.5
                    max-attempts: 20
                    jitter: false
                grpc:
                  max-message-size: 128MiB
                tls:
                  enabled: false
                  ca: /etc/ga/ca.pem
                network:
                  proxy-idle-timeout: 5m
                job:
                  checkpoint-every: 0
                """), Map.of());

        assertThat(config.cluster().id()).isEqualTo("prod");
        assertThat(config.coordinator().listen()).isEqualTo(new HostPort("0.0.0.0", 9000));
        assertThat(config.coordinator().stateDir()).isEqualTo(Path.of("/var/lib/graphagent"));
        assertThat(config.agent().coordinator()).isEqualTo(new HostPort("coord.example.org", 9000));
        assertThat(config.agent().dataAdvertise()).contains(new HostPort("10.0.0.5", 7500));
        assertThat(config.agent().id()).isEqualTo("agent-7");
        assertThat(config.session().leaseTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.session().reconnect().multiplier()).isEqualTo(1.5);
        assertThat(config.session().reconnect().maxAttempts()).isEqualTo(20);
        assertThat(config.session().reconnect().jitter()).isFalse();
        assertThat(config.grpc().maxMessageSize()).isEqualTo(128L << 20);
        assertThat(config.tls().enabled()).isFalse();
        assertThat(config.tls().ca()).contains(Path.of("/etc/ga/ca.pem"));
        assertThat(config.network().proxyIdleTimeout()).contains(Duration.ofMinutes(5));
        assertThat(config.job().checkpointEvery()).isZero();
        assertThat(config.session().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void unknownKeyNamesItsPathAndLineAndSuggestsTheNearMiss() throws IOException {
        var result = read("""
                session:
                  heartbeat-interval: 1s
                  lease-tll: 5s
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.key()).isEqualTo("session.lease-tll");
            assertThat(p.message()).contains("unknown key").contains("line 3");
            assertThat(p.fix()).isEqualTo("did you mean session.lease-ttl?");
        });
    }

    @Test
    void userProgramsAreAllowedByDefaultAndDeniedByJobUserPrograms() throws IOException {
        assertThat(read("").config().job().userPrograms()).isEqualTo(UserPrograms.ALLOW);
        assertThat(read("""
                job:
                  user-programs: deny
                """).config().job().userPrograms()).isEqualTo(UserPrograms.DENY);
        var bad = read("""
                job:
                  user-programs: maybe
                """);
        assertThat(bad.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.key()).isEqualTo("job.user-programs");
            assertThat(p.message() + " " + p.fix()).contains("allow or deny");
        });
    }

    @Test
    void keyInTheWrongSectionIsPointedToItsSection() throws IOException {
        var result = read("""
                session:
                  keepalive-time: 30s
                """);

        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.fix()).isEqualTo("did you mean grpc.keepalive-time?"));
    }

    @Test
    void underscoreSpellingIsPointedToTheDashedKey() throws IOException {
        var result = read("""
                session:
                  lease_ttl: 5s
                """);

        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.fix()).isEqualTo("did you mean session.lease-ttl?"));
    }

    @Test
    void unknownSectionWithNoNearMissSaysWhereTheKeysAreDocumented() throws IOException {
        var result = read("""
                frobnicator:
                  level: 3
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("frobnicator");
            assertThat(p.fix()).contains("docs/configuration.md");
        });
    }

    @Test
    void durationWithASpaceNamesKeyLineAndTheExpectedForm() throws IOException {
        var result = read("""
                session:
                  heartbeat-interval: 1s
                  lease-ttl: 5 s
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("session.lease-ttl");
            assertThat(p.message()).contains("'5 s'").contains("write 5s").contains("line 3");
            assertThat(p.fix()).contains("500ms, 5s");
        });
        assertThat(result.failedKeys()).containsExactly("session.lease-ttl");
        assertThat(result.config().session().leaseTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void wordForADurationIsRefused() throws IOException {
        var result = read("""
                grpc:
                  keepalive-time: fast
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("grpc.keepalive-time");
            assertThat(p.message()).contains("'fast' is not a duration").contains("line 2");
        });
    }

    @Test
    void numberWithoutUnitForADurationIsRefused() throws IOException {
        var result = read("""
                session:
                  lease-ttl: 5
                """);

        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("has no unit (write 5s or 5ms)"));
    }

    @Test
    void wrongTypesNameTheKeyLineAndExpectedForm() throws IOException {
        var result = read("""
                tls:
                  enabled: maybe
                job:
                  partitions-per-agent: four
                grpc:
                  keepalive-time:
                    value: 30s
                session: 5s
                """);

        assertThat(result.problems()).extracting(Problem::key)
                .containsExactly("tls.enabled", "job.partitions-per-agent", "grpc.keepalive-time", "session");
        assertThat(result.problems().get(0).message()).contains("'maybe' is not true or false").contains("line 2");
        assertThat(result.problems().get(1).message()).contains("'four' is not a whole number").contains("line 4");
        assertThat(result.problems().get(2).message()).contains("found a mapping of keys").contains("line 6");
        assertThat(result.problems().get(3).message()).contains("must be a mapping of keys").contains("line 8");
    }

    @Test
    void requiredKeyWithoutValueIsRefusedAndOptionalOneIsUnset() throws IOException {
        var result = read("""
                session:
                  lease-ttl:
                network:
                  proxy-idle-timeout: ~
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("session.lease-ttl");
            assertThat(p.message()).contains("has no value (line 2)");
        });
        assertThat(result.config().network().proxyIdleTimeout()).isEmpty();
    }

    @Test
    void duplicateKeyIsAnErrorNamingBothLines() throws IOException {
        var result = read("""
                session:
                  lease-ttl: 5s
                  lease-ttl: 10s
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("session.lease-ttl");
            assertThat(p.message()).contains("appears twice (line 2 and line 3)");
        });
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws IOException {
        var result = read("""
                session:
                  lease-ttl: 5s
                 heartbeat-interval: [1s
                """);

        assertThat(result.readable()).isFalse();
        assertThat(result.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not valid YAML").contains("(line 3, column 2)"));
    }

    @Test
    void tabIndentationIsNamedWithItsFix() throws IOException {
        var result = read("session:\n\tlease-ttl: 5s\n");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("(line 2, column 1)");
            assertThat(p.fix()).isEqualTo("indent with spaces, not tabs");
        });
    }

    @Test
    void missingFileIsAnErrorNamingTheFile() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("file not found");
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write("""
                session:
                  lease-ttl: 5s
                """), Map.of("GRAPHAGENT_SESSION_LEASE_TTL", "10s",
                "GRAPHAGENT_SESSION_RECONNECT_MAX_ATTEMPTS", "7",
                "GRAPHAGENT_GRPC_MAX_MESSAGE_SIZE", "16MiB",
                "GRAPHAGENT_ADMIN_TOKEN", "s3cret-s3cret-s3cret"));

        assertThat(config.session().leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.session().reconnect().maxAttempts()).isEqualTo(7);
        assertThat(config.grpc().maxMessageSize()).isEqualTo(16L << 20);
        assertThat(config.admin().token()).isEqualTo("s3cret-s3cret-s3cret");
        assertThat(config.admin().toString()).doesNotContain("s3cret");
    }

    @Test
    void emptyEnvironmentValueUnsetsAnOptionalKey() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write("""
                network:
                  proxy-idle-timeout: 60s
                """), Map.of("GRAPHAGENT_NETWORK_PROXY_IDLE_TIMEOUT", ""));

        assertThat(config.network().proxyIdleTimeout()).isEmpty();
    }

    @Test
    void checkpointStorageIsSharedByDefaultAndPeerCopyWhenAsked() throws Exception {
        assertThat(ConfigLoader.load(write(""), Map.of()).job().checkpointStorage()).isEqualTo(CheckpointStorage.SHARED);
        assertThat(ConfigLoader.load(write("job:\n  checkpoint-storage: peer-copy\n"), Map.of()).job().checkpointStorage())
                .isEqualTo(CheckpointStorage.PEER_COPY);
        assertThat(ConfigLoader.load(write(""), Map.of("GRAPHAGENT_JOB_CHECKPOINT_STORAGE", "Peer-Copy")).job()
                .checkpointStorage()).isEqualTo(CheckpointStorage.PEER_COPY);
        assertThat(ConfigKeys.JOB_CHECKPOINT_STORAGE.formatted(Profile.LAN.defaults())).isEqualTo("shared");
    }

    @Test
    void anUnknownCheckpointStorageNamesTheChoices() throws IOException {
        var result = read("job:\n  checkpoint-storage: s3\n");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("job.checkpoint-storage");
            assertThat(p.message()).contains("'s3' is not shared or peer-copy").contains("line 2");
        });
    }

    @Test
    void badEnvironmentValueNamesTheVariable() throws IOException {
        var result = read("", Map.of("GRAPHAGENT_SESSION_LEASE_TTL", "5 s"));

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("session.lease-ttl");
            assertThat(p.message()).contains("environment variable GRAPHAGENT_SESSION_LEASE_TTL").contains("'5 s'");
            assertThat(p.fix()).startsWith("set GRAPHAGENT_SESSION_LEASE_TTL to ");
        });
    }

    @Test
    void misspelledEnvironmentOverrideIsAnErrorWithASuggestion() throws IOException {
        var result = read("", Map.of("GRAPHAGENT_SESSION_LEASE_TLL", "5s"));

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("GRAPHAGENT_SESSION_LEASE_TLL");
            assertThat(p.fix()).isEqualTo("did you mean GRAPHAGENT_SESSION_LEASE_TTL?");
        });
    }

    @Test
    void aRemovedKeyIsAnErrorSayingItWasRemovedAndToDeleteTheLine() throws IOException {
        var result = read("""
                agent:
                  id: agent-1
                  warmup: on
                """);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.key()).isEqualTo("agent.warmup");
            assertThat(p.message()).startsWith("was removed on 2026-12-07").contains("line 3").doesNotContain("unknown key");
            assertThat(p.fix()).isEqualTo("delete its line ('warmup:'); nothing replaces it");
            assertThat(p.render()).startsWith("ERROR agent.warmup: was removed on 2026-12-07 with the data plane's warm-up");
        });
        assertThat(result.config().agent().id()).as("the rest of the file is read").isEqualTo("agent-1");
    }

    @Test
    void aRemovedKeysEnvironmentOverrideIsAnErrorSayingToUnsetIt() throws IOException {
        var result = read("", Map.of("GRAPHAGENT_AGENT_WARMUP", "off"));

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.key()).isEqualTo("agent.warmup");
            assertThat(p.message()).startsWith("environment variable GRAPHAGENT_AGENT_WARMUP: agent.warmup was removed on 2026-12-07");
            assertThat(p.fix()).isEqualTo("unset GRAPHAGENT_AGENT_WARMUP; nothing replaces it");
        });
    }

    @Test
    void launcherVariablesAreNotMistakenForOverrides() throws IOException {
        var result = read("", Map.of("GRAPHAGENT_JAVA_OPTS", "-Xmx4g", "PATH", "/bin"));

        assertThat(result.problems()).isEmpty();
    }

    @Test
    void everyKeyHasTheDocumentedEnvironmentName() {
        assertThat(ConfigKeys.SESSION_LEASE_TTL.envName()).isEqualTo("GRAPHAGENT_SESSION_LEASE_TTL");
        assertThat(ConfigKeys.SESSION_RECONNECT_MAX_ATTEMPTS.envName()).isEqualTo("GRAPHAGENT_SESSION_RECONNECT_MAX_ATTEMPTS");
        assertThat(ConfigKeys.COORDINATOR_ADMIN_LISTEN.envName()).isEqualTo("GRAPHAGENT_COORDINATOR_ADMIN_LISTEN");
        assertThat(ConfigKeys.ALL).extracting(ConfigKey::envName).doesNotHaveDuplicates();
    }

    @Test
    void profileKeyChoosesTheDefaults() throws Exception {
        GraphagentConfig test = ConfigLoader.load(write("profile: test\n"), Map.of());
        GraphagentConfig wan = ConfigLoader.load(write("profile: wan\n"), Map.of());

        assertThat(test).isEqualTo(Profile.TEST.defaults());
        assertThat(test.session().leaseTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(wan).isEqualTo(Profile.WAN.defaults());
        assertThat(wan.session().leaseTtl()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void explicitKeysOverrideTheProfileWhereverTheProfileKeyStands() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write("""
                session:
                  lease-ttl: 3s
                profile: test
                """), Map.of());

        assertThat(config.profile()).isEqualTo(Profile.TEST);
        assertThat(config.session().leaseTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.session().heartbeatInterval()).isEqualTo(Profile.TEST.defaults().session().heartbeatInterval());
    }

    @Test
    void environmentChoosesTheProfileOverTheFile() throws Exception {
        GraphagentConfig config = ConfigLoader.load(write("profile: wan\n"), Map.of("GRAPHAGENT_PROFILE", "test"));

        assertThat(config.profile()).isEqualTo(Profile.TEST);
    }

    @Test
    void unknownProfileIsAnErrorNamingTheChoices() throws IOException {
        var result = read("profile: fast\n");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("profile");
            assertThat(p.message()).contains("'fast' is not a profile; expected one of lan, wan, test").contains("line 1");
        });
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() throws IOException {
        var result = read("""
                sesion:
                  lease-ttl: 5s
                grpc:
                  keepalive-time: soon
                  max-message-size: 64MB
                """);

        assertThat(result.problems()).extracting(Problem::key)
                .containsExactly("sesion", "grpc.keepalive-time", "grpc.max-message-size");
        assertThat(result.problems().get(0).fix()).isEqualTo("did you mean session?");
    }

    @Test
    void knownPathsIncludeSectionsAndKeys() {
        assertThat(ConfigKeys.knownPaths()).contains("session", "session.reconnect", "session.reconnect.max", "profile");
        assertThat(ConfigKeys.byPath("tls.ca")).isEqualTo(Optional.of(ConfigKeys.TLS_CA));
    }
}
