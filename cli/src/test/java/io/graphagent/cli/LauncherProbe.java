package io.graphagent.cli;

/**
 * The program {@link LauncherTest} starts through {@code ./graphagent} (as GRAPHAGENT_JAR): prints
 * its arguments on one line. With PROBE_FAIL_TRAINING set, the launcher's training run (the
 * arguments start with {@code run}) exits 3, as a JDK or jar that cannot make a cache would.
 * With PROBE_NEW_SIZE set, prints the JVM's -XX:NewSize options after, one line.
 */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        if (System.getenv("PROBE_FAIL_TRAINING") != null && args.length > 0 && args[0].equals("run")) {
            System.exit(3);
        }
        System.out.println("probe " + String.join(" ", args));
        if (System.getenv("PROBE_NEW_SIZE") != null) {
            System.out.println(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                    .stream().filter(a -> a.startsWith("-XX:NewSize=")).toList()));
        }
    }
}
