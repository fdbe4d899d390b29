package io.graphagent.ops.doctor;

import io.graphagent.config.DataSize;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Local resources an agent needs: CPU load, free memory, free disk in the work and checkpoint
 * directories, the open-file limit. Read from {@code /proc} (a directory the caller names, so
 * tests use fixtures). Only WARNs: a tight machine still runs, it drops heartbeats under load.
 */
public final class LocalResources {

    /** Load average per core above which compute starves the heartbeat thread of CPU. */
    static final double LOAD_PER_CORE_WARN = 1.5;
    /** Available memory below which the JVM heap and page cache compete and GC pauses grow. */
    static final long MEMORY_WARN_BYTES = 512 * DataSize.MIB;
    /** Free disk below which a checkpoint or spilled partition may not fit. */
    static final long DISK_WARN_BYTES = DataSize.GIB;
    /** Open-file soft limit below which sockets to many peers plus graph files run out. */
    static final long OPEN_FILES_WARN = 4096;

    private LocalResources() {
    }

    /** One result per resource, in the order load, memory, disk (each directory), open files. */
    public static List<CheckResult> check(Path procDir, List<Path> dirs) {
        List<CheckResult> results = new ArrayList<>();
        results.add(load(procDir));
        results.add(memory(procDir));
        for (Path dir : dirs) {
            results.add(disk(dir));
        }
        results.add(openFiles(procDir));
        return results;
    }

    static CheckResult load(Path procDir) {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            double load = Double.parseDouble(Files.readString(procDir.resolve("loadavg")).trim().split("\\s+")[0]);
            String measured = String.format("load %.2f on %d cores", load, cores);
            return load > cores * LOAD_PER_CORE_WARN
                    ? CheckResult.warn("cpu-load", measured + " (over " + LOAD_PER_CORE_WARN + " per core)",
                            "move work off this machine or run fewer agents on it; heartbeats wait for CPU")
                    : CheckResult.pass("cpu-load", measured);
        } catch (IOException | RuntimeException e) {
            return CheckResult.skipped("cpu-load", "cannot read " + procDir.resolve("loadavg") + ": " + e.getMessage());
        }
    }

    static CheckResult memory(Path procDir) {
        try {
            long available = -1;
            for (String line : Files.readAllLines(procDir.resolve("meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    available = Long.parseLong(line.replaceAll("[^0-9]", "")) * DataSize.KIB;
                }
            }
            if (available < 0) {
                return CheckResult.skipped("memory", "no MemAvailable in " + procDir.resolve("meminfo"));
            }
            String measured = DataSize.format(available) + " available";
            return available < MEMORY_WARN_BYTES
                    ? CheckResult.warn("memory", measured + " (under " + DataSize.format(MEMORY_WARN_BYTES) + ")",
                            "free memory or give the agent a smaller heap; swapping stalls heartbeats")
                    : CheckResult.pass("memory", measured);
        } catch (IOException | RuntimeException e) {
            return CheckResult.skipped("memory", "cannot read " + procDir.resolve("meminfo") + ": " + e.getMessage());
        }
    }

    static CheckResult disk(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return CheckResult.skipped("disk", "no existing directory on the path " + dir);
        }
        try {
            FileStore store = Files.getFileStore(existing);
            long free = store.getUsableSpace();
            String measured = DataSize.format(free) + " free for " + dir;
            return free < DISK_WARN_BYTES
                    ? CheckResult.warn("disk", measured + " (under " + DataSize.format(DISK_WARN_BYTES) + ")",
                            "free space or point agent.work-dir / job.checkpoint-dir at a larger disk")
                    : CheckResult.pass("disk", measured);
        } catch (IOException e) {
            return CheckResult.skipped("disk", "cannot read the file store of " + existing + ": " + e.getMessage());
        }
    }

    static CheckResult openFiles(Path procDir) {
        Path limits = procDir.resolve("self").resolve("limits");
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    long value = soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                    String measured = "open-file limit " + soft;
                    return value < OPEN_FILES_WARN
                            ? CheckResult.warn("open-files", measured + " (under " + OPEN_FILES_WARN + ")",
                                    "raise it: `ulimit -n 65536` in the start script, or LimitNOFILE= in the systemd unit")
                            : CheckResult.pass("open-files", measured);
                }
            }
            return CheckResult.skipped("open-files", "no 'Max open files' in " + limits);
        } catch (IOException | RuntimeException e) {
            return CheckResult.skipped("open-files", "cannot read " + limits + ": " + e.getMessage());
        }
    }
}
