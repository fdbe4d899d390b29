package io.graphagent.cli.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network lab for one test run: network namespaces named {@code galab-PID-N-ROLE}, so that
 * the leftovers of a run that crashed name the process that made them and are swept by the
 * next run ({@link #sweepStale()}). Everything the lab creates lives inside its namespaces
 * (interfaces, addresses, routes, nftables rules); deleting them ({@link #close()}) removes
 * it all. A shutdown hook closes a lab its test forgot, and kills what runs inside.
 * Thread-safe.
 */
public final class NetLab implements AutoCloseable {
    /** Every lab namespace's name starts with this. */
    public static final String PREFIX = "galab-";
    /** The private block of every lab address, checked to be unused by the host. */
    public static final String BLOCK = "10.213.0.0/16";
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String run;
    private final List<Namespace> namespaces = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetLab(String run) {
        this.run = run;
        this.shutdownHook = new Thread(this::destroyAll, "netlab-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Opens a lab; call {@link #unavailable()} first. */
    public static NetLab open() {
        return new NetLab(PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + "-");
    }

    /** The prefix of this lab's namespace names. */
    public String run() {
        return run;
    }

    /** Creates namespace {@code run + role}. */
    public synchronized Namespace namespace(String role) {
        if (closed) {
            throw new IllegalStateException("the lab " + run + " is closed");
        }
        Namespace ns = Namespace.create(run + role);
        namespaces.add(ns);
        return ns;
    }

    /** Kills every process inside the lab and deletes its namespaces; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway, harmlessly.
        }
    }

    private void destroyAll() {
        for (Namespace ns : List.copyOf(namespaces)) {
            ns.destroy();
            namespaces.remove(ns);
        }
    }

    /** Names of the lab namespaces that exist now (this run's and others'). */
    public static List<String> namespacesNow() {
        List<String> names = new ArrayList<>();
        for (String line : Shell.run("ip", "netns", "list").lines().toList()) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }

    /** This lab's namespaces that still exist (none after {@link #close()}). */
    public List<String> leftovers() {
        return namespacesNow().stream().filter(n -> n.startsWith(run)).toList();
    }

    /**
     * Deletes lab namespaces whose creating process is gone (a run that crashed or was
     * killed), after killing what still runs inside them; returns their names.
     */
    public static List<String> sweepStale() {
        List<String> swept = new ArrayList<>();
        for (String name : namespacesNow()) {
            String[] parts = name.substring(PREFIX.length()).split("-", 2);
            long pid;
            try {
                pid = Long.parseLong(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            new Namespace(name).destroy();
            swept.add(name);
        }
        return swept;
    }

    /**
     * Why the lab cannot run on this machine, or empty when it can: it needs root, {@code ip}
     * and {@code nft}, namespaces that can be created, and {@link #BLOCK} unused by the host.
     */
    public static Optional<String> unavailable() {
        if (!isRoot()) {
            return Optional.of("the network lab needs root (network namespaces, veth pairs, nftables); run the tests as"
                    + " root, as .ci/run does");
        }
        for (String tool : List.of("ip", "nft")) {
            if (!Shell.attempt("sh", "-c", "command -v " + tool).ok()) {
                return Optional.of("the network lab needs '" + tool + "' (Debian packages iproute2 and nftables; .ci/run"
                        + " installs them)");
            }
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        Shell.Result add = Shell.attempt("ip", "netns", "add", probe);
        if (!add.ok()) {
            return Optional.of("network namespaces are unavailable here: " + add.describe());
        }
        Shell.Result nft = Shell.attempt("ip", "netns", "exec", probe, "nft", "list", "ruleset");
        Shell.attempt("ip", "netns", "del", probe);
        if (!nft.ok()) {
            return Optional.of("nftables does not work inside a network namespace here: " + nft.describe());
        }
        String used = Shell.run("ip", "-4", "-o", "addr", "show", "to", BLOCK)
                + Shell.run("ip", "-4", "route", "show", "root", BLOCK);
        if (!used.isBlank()) {
            return Optional.of("the host uses the lab's address block " + BLOCK + ": " + used.strip());
        }
        return Optional.empty();
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
