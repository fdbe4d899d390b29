package io.graphagent.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process of a local cluster (the coordinator or an agent): a JVM running this same
 * program, its stdout and stderr in one log file.
 *
 * @param name {@code coordinator} or {@code agent-N}
 */
record ChildProcess(String name, Process process, Path log) {
    /** How much of the end of a log {@link #lastLines} reads. */
    private static final int TAIL_BYTES = 16 * 1024;

    /**
     * Starts {@code java -cp CLASSPATH io.graphagent.cli.Main ARGS} with this JVM's java and
     * class path, output to {@code log} (truncated).
     *
     * @param env variables added to the inherited environment
     */
    static ChildProcess start(String name, List<String> jvmOptions, List<String> args, java.util.Map<String, String> env,
            Path log) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        return new ChildProcess(name, builder.start(), log);
    }

    /** The java launcher of this JVM: the command it was started with, else java.home's. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .filter(c -> c.endsWith("java") || c.endsWith("java.exe"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Exit code, or -1 while running. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Asks the process to stop (SIGTERM: its shutdown hooks run). */
    void requestStop() {
        process.destroy();
    }

    /** Waits up to {@code grace} for the process to end, then kills it; returns true if it ended by itself. */
    boolean awaitOrKill(Duration grace) {
        try {
            if (process.waitFor(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The last {@code n} lines of the log (fewer when it is shorter); empty when unreadable. */
    List<String> lastLines(int n) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(TAIL_BYTES, length);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
            if (size < length && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size());
            }
            lines = lines.stream().filter(l -> !l.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
