package io.graphagent.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The processes of a local cluster, coordinators first and agents after them in the order
 * they started, each known by its name ({@code coordinator}, {@code coordinator-N},
 * {@code agent-N}). A name stands for one process at a time: a process started again under a
 * name replaces the earlier one, which must have ended.
 */
final class LocalProcesses {
    /** Log lines shown when a process fails. */
    static final int TAIL_LINES = 12;

    private final List<ChildProcess> children = new ArrayList<>();

    /** Every process started and not forgotten, coordinators first. */
    List<ChildProcess> all() {
        return children;
    }

    /** The process named {@code name}, if any. */
    Optional<ChildProcess> named(String name) {
        return children.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Adds a coordinator at the front: {@link #stopAll} stops the agents (the end of the list) before it. */
    void addCoordinator(ChildProcess coordinator) {
        children.add(0, coordinator);
    }

    void addAgent(ChildProcess agent) {
        children.add(agent);
    }

    void forget(ChildProcess child) {
        children.remove(child);
    }

    /**
     * Forgets the earlier process named {@code name}, if any, before one starts again under it.
     *
     * @throws IllegalStateException when that process still runs
     */
    void forgetEnded(String name) {
        Optional<ChildProcess> earlier = named(name);
        if (earlier.isPresent()) {
            if (earlier.get().alive()) {
                throw new IllegalStateException(name + " (pid " + earlier.get().pid() + ") is still running");
            }
            children.remove(earlier.get());
        }
    }

    /**
     * Waits until {@code started} shows what {@code seen} looks for (in its log, say), failing
     * with its last log lines when it exits first or {@code timeout} passes.
     *
     * @param doing what the process did not do in time, e.g. "listen"
     */
    static <T> T await(ChildProcess started, Supplier<Optional<T>> seen, Duration timeout, String doing) {
        PollDeadline deadline = PollDeadline.after(timeout);
        while (true) {
            Optional<T> found = seen.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (!started.alive()) {
                throw failed(started, "exited with code " + started.exitCode() + " while starting");
            }
            if (deadline.passed()) {
                throw failed(started, "did not " + doing + " within " + Durations.millis(timeout.toMillis()));
            }
            deadline.pause();
        }
    }

    /** What stopping the processes did: those that ran, and the names of those killed after the grace. */
    record Stopped(List<ChildProcess> running, List<String> killed) {
    }

    /**
     * Stops every process that runs: the agents first, so they leave while the coordinator still
     * listens, then each coordinator; each gets {@code grace} to end before it is killed.
     */
    Stopped stopAll(Duration grace) {
        List<ChildProcess> agentsFirst = new ArrayList<>(children);
        Collections.reverse(agentsFirst);
        List<ChildProcess> running = agentsFirst.stream().filter(ChildProcess::alive).toList();
        running.stream().filter(c -> !c.name().startsWith("coordinator")).forEach(ChildProcess::requestStop);
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> killed = new ArrayList<>();
        for (ChildProcess child : running) {
            if (child.name().startsWith("coordinator")) {
                child.requestStop();
                deadline = System.nanoTime() + grace.toNanos();
            }
            if (!child.awaitOrKill(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                killed.add(child.name());
            }
        }
        return new Stopped(running, killed);
    }

    /** A start failure of {@code child}: its name, pid, {@code what} happened, and its last log lines. */
    static LocalCluster.LocalClusterException failed(ChildProcess child, String what) {
        return new LocalCluster.LocalClusterException(child.name() + " (pid " + child.pid() + ") " + what + logExcerpt(child));
    }

    /** The last log lines of a process, indented, after a line naming the log. */
    static String logExcerpt(ChildProcess child) {
        List<String> lines = child.lastLines(TAIL_LINES);
        if (lines.isEmpty()) {
            return "; its log " + child.log() + " is empty";
        }
        StringBuilder text = new StringBuilder("; last lines of " + child.log() + ":");
        for (String line : lines) {
            text.append("\n    ").append(line);
        }
        return text.toString();
    }
}
