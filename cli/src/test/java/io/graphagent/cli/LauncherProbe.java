package io.graphagent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The program {@link LauncherTest} starts through {@code ./graphagent} (as GRAPHAGENT_JAR): prints
 * its arguments on one line. With PROBE_FAIL_TRAINING set, the launcher's training run (the
 * arguments start with {@code run}) exits 3, as a JDK or jar that cannot make a cache would; with
 * PROBE_FAIL_CLUSTER_TRAINING set, so does its cluster training ({@code train-start-cache}),
 * which otherwise makes the agents' cache it is given as the real command does, from a JVM of
 * this program with {@code -XX:AOTCacheOutput=}, and the coordinator's as a copy of it. With PROBE_NEW_SIZE set, prints the JVM's
 * -XX:NewSize options after, one line; with PROBE_CACHE set, the -XX:AOTCache option and the
 * {@link ChildStartCache#PROPERTY} it was started with, one line. Only this class is in the probe's
 * jar: it uses no other class of the CLI (the property's name is a constant, compiled in).
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (System.getenv("PROBE_FAIL_TRAINING") != null && args.length > 0 && args[0].equals("run")) {
            System.exit(3);
        }
        if (args.length > 0 && args[0].equals("train-start-cache")) {
            if (System.getenv("PROBE_FAIL_CLUSTER_TRAINING") != null) {
                System.exit(3);
            }
            trainCaches(List.of(args));
            return;
        }
        System.out.println("probe " + String.join(" ", args));
        List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (System.getenv("PROBE_NEW_SIZE") != null) {
            System.out.println(String.join(" ", jvm.stream().filter(a -> a.startsWith("-XX:NewSize=")).toList()));
        }
        if (System.getenv("PROBE_CACHE") != null) {
            System.out.println("cache=" + jvm.stream().filter(a -> a.startsWith("-XX:AOTCache=")).map(a -> a.substring(13))
                    .findFirst().orElse("") + " children=" + System.getProperty(ChildStartCache.PROPERTY, ""));
        }
    }

    /**
     * Writes the cache named by --agent-cache from a JVM of this program, and a copy of it as
     * --coordinator-cache (one assembly, seconds, is enough for the launcher's part).
     */
    private static void trainCaches(List<String> args) throws IOException, InterruptedException {
        Path cache = Path.of(args.get(args.indexOf("--agent-cache") + 1));
        Process training = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:AOTCacheOutput=" + cache, "-cp", System.getProperty("java.class.path"), LauncherProbe.class.getName(), "trained")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        if (training.waitFor() != 0 || !Files.isRegularFile(cache)) {
            System.exit(4);
        }
        Files.copy(cache, Path.of(args.get(args.indexOf("--coordinator-cache") + 1)));
    }
}
