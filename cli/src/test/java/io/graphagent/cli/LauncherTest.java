package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./graphagent} launcher's start-up cache, run for real (bash, this JDK) on a small
 * jar given as GRAPHAGENT_JAR ({@link LauncherProbe}): made on the first start beside the jar,
 * used by the next, made again when the jar changes or the cache is cut short, and never able
 * to break a start, whatever state the file is in.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("graphagent");
    private static final String MAKING = "graphagent: making the JVM start-up cache";
    private static final String MAKING_CLUSTER = "graphagent: making the JVM start-up caches of the cluster's processes";

    @TempDir
    Path dir;

    private Path jar;

    record Start(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    @BeforeEach
    void probeJar() throws IOException {
        assertThat(LAUNCHER).isExecutable();
        jar = dir.resolve("probe.jar");
        writeProbeJar(jar, 0);
    }

    @Test
    void aotCacheIsMadeOnceUsedAfterwardsAndMadeAgainWhenTheJarOrTheCacheChanges() throws Exception {
        Path cache = dir.resolve("probe.aot");

        startMakingTheCache(Map.of(), "hello");
        assertThat(cache).isNotEmptyFile();
        assertThat(dir.resolve("probe.aot.id")).content().startsWith("java=").contains(" mode=aot opts=-XX:+UseG1GC ");
        assertThat(probeLoadedFrom(Map.of(), "hello")).startsWith("shared objects file");

        // Cut short (a full disk, a copy interrupted): newer than its record, so made again.
        Files.write(cache, new byte[4096]);
        startMakingTheCache(Map.of(), "again");
        assertThat(Files.size(cache)).isGreaterThan(1 << 20);

        // Garbage the launcher cannot tell (same time as before): the JVM refuses it, silently.
        FileTime made = Files.getLastModifiedTime(cache);
        byte[] garbage = new byte[(int) Files.size(cache)];
        new Random(7).nextBytes(garbage);
        Files.write(cache, garbage);
        Files.setLastModifiedTime(cache, made);
        assertThat(probeLoadedFrom(Map.of(), "still")).isEqualTo("file:" + jar);

        // A rebuilt jar: newer than the cache, so made again, and used by the start after.
        writeProbeJar(jar, 1);
        startMakingTheCache(Map.of(), "rebuilt");
        assertThat(probeLoadedFrom(Map.of(), "x")).startsWith("shared objects file");
    }

    @Test
    void appCdsArchiveIsTheFallbackWhereTheJdkHasNoAotCache() throws Exception {
        Map<String, String> cds = Map.of("GRAPHAGENT_START_CACHE", "cds");

        startMakingTheCache(cds, "hello");
        assertThat(dir.resolve("probe.jsa")).isNotEmptyFile();
        assertThat(probeLoadedFrom(cds, "hello")).startsWith("shared objects file");
    }

    @Test
    void aFailedTryIsReportedOnceAndTheCommandRunsWithoutACache() throws Exception {
        Map<String, String> failing = Map.of("PROBE_FAIL_TRAINING", "1");
        Start first = start(failing, "hello");
        assertThat(first.out()).as(first.toString()).isEqualTo("probe hello\n");
        assertThat(first.err()).contains(MAKING, "could not make the start-up cache (exit 3, see " + dir.resolve("probe.aot.log"));
        assertThat(dir.resolve("probe.aot")).doesNotExist();

        assertThat(start(failing, "hello")).as("not tried again until the jar changes").isEqualTo(new Start(0, "probe hello\n", ""));
    }

    @Test
    void offMeansNoCacheAndAnUnknownModeIsRefused() throws Exception {
        assertThat(start(Map.of("GRAPHAGENT_START_CACHE", "off"), "hello")).isEqualTo(new Start(0, "probe hello\n", ""));
        assertThat(dir.resolve("probe.aot")).doesNotExist();
        assertThat(dir.resolve("probe.aot.id")).doesNotExist();

        Start bogus = start(Map.of("GRAPHAGENT_START_CACHE", "fast"), "hello");
        assertThat(bogus.exitCode()).isEqualTo(2);
        assertThat(bogus.out()).isEmpty();
        assertThat(bogus.err()).isEqualTo("graphagent: GRAPHAGENT_START_CACHE=fast is not one of auto, aot, cds, off. "
                + "Fix: unset it or pass one of those\n");
    }

    @Test
    void anAgentsYoungFloorIsTheSameRuleAsLocalsAgentYoungFloor() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("GRAPHAGENT_START_CACHE", "off", "PROBE_NEW_SIZE", "1"));
        // No -Xmx: the default heap, a quarter of this machine's memory, as AgentYoungFloor reads it.
        assertThat(start(env, "agent").out()).isEqualTo("probe agent\n" + AgentYoungFloor.option(java.util.List.of()) + "\n");
        for (String heap : new String[] {"-Xmx64m", "-Xmx1g", "-Xmx4g", "-XX:MaxHeapSize=200m"}) {
            env.put("GRAPHAGENT_JAVA_OPTS", "-Xmx2g " + heap);
            assertThat(start(env, "agent").out()).as(heap)
                    .isEqualTo("probe agent\n" + AgentYoungFloor.option(java.util.List.of(heap)) + "\n");
        }
        assertThat(start(env, "status").out()).as("not an agent: no floor").isEqualTo("probe status\n\n");
    }

    @Test
    void theClustersCachesAreMadeOnceAndGivenToAgentsCoordinatorsAndTheProcessesLocalStarts() throws Exception {
        Map<String, String> env = Map.of("PROBE_CACHE", "1");
        String prefix = dir.resolve("probe").toString();

        Start help = start(env, "local", "--help");
        assertThat(help.out()).as("--help: no cluster training").isEqualTo("probe local --help\ncache=" + prefix + ".aot children=\n");
        assertThat(dir.resolve("probe-agent.aot")).doesNotExist();

        Start local = start(env, "local");
        assertThat(local.out()).as(local.toString()).isEqualTo("probe local\ncache=" + prefix + ".aot children=" + prefix + "\n");
        assertThat(local.err()).as(local.toString()).contains(MAKING, MAKING_CLUSTER);
        assertThat(dir.resolve("probe-agent.aot")).isNotEmptyFile();
        assertThat(dir.resolve("probe-coordinator.aot")).isNotEmptyFile();
        assertThat(dir.resolve("probe-cluster.aot.id")).content().startsWith("java=").doesNotContain("failed");

        assertThat(start(env, "agent")).isEqualTo(new Start(0, "probe agent\ncache=" + prefix + "-agent.aot children=\n", ""));
        assertThat(probeLoadedFrom(Map.of(), "agent")).as("trained without the launcher's flags, used with them")
                .startsWith("shared objects file");
        assertThat(start(env, "coordinator"))
                .isEqualTo(new Start(0, "probe coordinator\ncache=" + prefix + "-coordinator.aot children=\n", ""));
        assertThat(start(env, "status")).isEqualTo(new Start(0, "probe status\ncache=" + prefix + ".aot children=\n", ""));
        // Remade with the jar as the launcher's own cache is (aotCacheIsMadeOnce...): the same record rules.
    }

    @Test
    void aFailedClusterTrainingIsReportedOnceAndTheClusterStartsWithoutItsCaches() throws Exception {
        Map<String, String> failing = Map.of("PROBE_CACHE", "1", "PROBE_FAIL_CLUSTER_TRAINING", "1");
        String prefix = dir.resolve("probe").toString();
        Start first = start(failing, "agent");
        assertThat(first.out()).as(first.toString()).isEqualTo("probe agent\ncache=" + prefix + ".aot children=\n");
        assertThat(first.err()).contains(MAKING_CLUSTER,
                "could not make the cluster's start-up caches (exit 3, see " + dir.resolve("probe-cluster.aot.log"));
        assertThat(dir.resolve("probe-agent.aot")).doesNotExist();

        assertThat(start(failing, "local")).as("not tried again until the jar changes")
                .isEqualTo(new Start(0, "probe local\ncache=" + prefix + ".aot children=\n", ""));
        assertThat(start(Map.of("PROBE_CACHE", "1", "GRAPHAGENT_START_CACHE", "off"), "local"))
                .isEqualTo(new Start(0, "probe local\ncache= children=\n", ""));
    }

    /** A start that makes the cache first: the command's output is unchanged, the notice on stderr. */
    private void startMakingTheCache(Map<String, String> env, String word) throws IOException, InterruptedException {
        Start s = start(env, word);
        assertThat(s.out()).as(s.toString()).isEqualTo("probe " + word + "\n");
        assertThat(s.err()).as(s.toString()).startsWith(MAKING);
    }

    /** A start with nothing but the command's output; where the JVM took the probe's class from. */
    private String probeLoadedFrom(Map<String, String> env, String word) throws IOException, InterruptedException {
        Path classes = Files.createTempFile(dir, "classes", ".log");
        Map<String, String> logged = new HashMap<>(env);
        logged.put("GRAPHAGENT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        assertThat(start(logged, word)).isEqualTo(new Start(0, "probe " + word + "\n", ""));
        String marker = LauncherProbe.class.getName() + " source: ";
        return Files.readAllLines(classes).stream().filter(l -> l.contains(marker))
                .map(l -> l.substring(l.indexOf(marker) + marker.length())).findFirst().orElseThrow();
    }

    /** Runs the launcher on the probe jar with this JDK; at most two minutes (making a cache takes seconds). */
    private Start start(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        String[] command = new String[args.length + 1];
        command[0] = LAUNCHER.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("GRAPHAGENT_"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("GRAPHAGENT_JAR", jar.toString());
        environment.putAll(env);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not end within two minutes");
        }
        return new Start(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A runnable jar of {@link LauncherProbe}; {@code variant} changes its bytes (a rebuild). */
    private static void writeProbeJar(Path target, int variant) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        manifest.getMainAttributes().putValue("Probe-Build", Integer.toString(variant));
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream probe = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            probe.transferTo(out);
            out.closeEntry();
        }
    }
}
