package io.graphagent.cli.netlab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Linux network namespace of the lab ({@code ip netns}): its own interfaces, routes,
 * sysctls and nftables ruleset, so nothing done in it reaches the host's. Commands and
 * processes enter it with {@code ip netns exec}, which execs them in place: a started
 * process's pid is the program's own. Thread-safe (every method runs a tool).
 *
 * @param name the namespace's name, starting with the lab's run prefix
 */
public record Namespace(String name) {

    /** Creates the namespace with its loopback up. */
    static Namespace create(String name) {
        Shell.run("ip", "netns", "add", name);
        Namespace ns = new Namespace(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** Runs {@code ip -n NAME ARGS} and returns its output. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return Shell.run(command);
    }

    /** Runs {@code ARGS} inside the namespace and returns its output; fails on a non-zero exit. */
    public String exec(String... args) {
        return Shell.run(command(List.of(args)));
    }

    /** Runs {@code ARGS} inside the namespace, whatever its exit code. */
    public Shell.Result attempt(String... args) {
        return Shell.attempt(command(List.of(args)));
    }

    /** {@code command} prefixed to run inside the namespace. */
    public List<String> command(List<String> command) {
        List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", name));
        inside.addAll(command);
        return inside;
    }

    /** Sets a sysctl of this namespace (e.g. {@code net.ipv4.ip_forward=1}). */
    public void sysctl(String setting) {
        exec("sysctl", "-q", "-w", setting);
    }

    /**
     * Starts {@code command} inside the namespace with {@code env} added to this process's
     * environment, stdout and stderr to {@code log}, stdin from /dev/null.
     */
    public Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Pids of every process inside the namespace. */
    List<Long> pids() {
        Shell.Result result = Shell.attempt("ip", "netns", "pids", name);
        return result.out().lines().map(String::strip).filter(l -> !l.isEmpty()).map(Long::parseLong).toList();
    }

    /** Kills every process inside, then deletes the namespace (and with it its interfaces and rules). */
    void destroy() {
        for (long pid : pids()) {
            Shell.attempt("kill", "-9", Long.toString(pid));
        }
        Shell.attempt("ip", "netns", "del", name);
    }
}
