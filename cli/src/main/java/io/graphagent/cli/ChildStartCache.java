package io.graphagent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JDK's AOT caches (JEP 483/514/515) of the coordinator and agent JVMs that {@code local}
 * and {@code demo} start: {@code PREFIX-coordinator.aot} and {@code PREFIX-agent.aot} beside the
 * jar, trained on a cluster ({@link TrainStartCacheCommand}). The launcher makes them once per
 * build and names their prefix in the system property {@value #PROPERTY} only while they are
 * usable (its record matches the JDK and flags, both are newer than the jar); so a JVM not
 * started by the launcher (a test's) starts its children without a cache. Never required: a
 * cache that is missing gives no option, and one the JVM refuses (another jar, a corrupt file)
 * it ignores, its complaints silenced as the launcher silences its own.
 */
final class ChildStartCache {
    /** The system property the launcher sets: the caches' common prefix ({@code .../graphagent}). */
    static final String PROPERTY = "graphagent.child-start-cache";

    /** The JVM flags that give or make a cache of their own: with one of them, no cache is added. */
    private static final List<String> OWN_CACHE_FLAGS = List.of("-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTMode=",
            "-XX:AOTConfiguration=", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=");

    /** The processes with a cache each: their workloads (and so their classes and profiles) differ. */
    enum Role {
        COORDINATOR("coordinator"), AGENT("agent");

        private final String fileName;

        Role(String fileName) {
            this.fileName = fileName;
        }
    }

    private ChildStartCache() {
    }

    /** The cache of {@code role} under {@code prefix}: {@code PREFIX-ROLE.aot}. */
    static Path file(String prefix, Role role) {
        return Path.of(prefix + "-" + role.fileName + ".aot");
    }

    /** The options that give a {@code role} process this JVM's caches ({@value #PROPERTY}), before {@code jvmOptions}. */
    static List<String> options(Role role, List<String> jvmOptions) {
        return options(System.getProperty(PROPERTY), role, jvmOptions);
    }

    /**
     * {@code -XX:AOTCache=PREFIX-ROLE.aot} and the JVM's cache logging off (it would go to the
     * process's log at every start), or nothing: no prefix, no such file, or {@code jvmOptions}
     * (GRAPHAGENT_JAVA_OPTS) already give or make a cache (the JVM refuses two).
     */
    static List<String> options(String prefix, Role role, List<String> jvmOptions) {
        if (prefix == null || prefix.isBlank()
                || jvmOptions.stream().anyMatch(o -> OWN_CACHE_FLAGS.stream().anyMatch(o::startsWith))) {
            return List.of();
        }
        Path cache = file(prefix, role);
        if (!Files.isRegularFile(cache)) {
            return List.of();
        }
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds*=off");
    }
}
