package io.graphagent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The logs of earlier processes of a local cluster, kept beside the current one rather than
 * truncated: the evidence of a crash survives the next {@code graphagent local} (or the
 * coordinator's restart). {@code NAME.log} moves to {@code NAME.1.log}, the older ones shift up,
 * and at most {@value #KEPT} are kept per process.
 */
final class KeptLogs {
    /** Earlier logs kept per process. */
    static final int KEPT = 5;

    private KeptLogs() {
    }

    /** Moves {@code log}, if it exists, to {@code NAME.1.log}, shifting the older ones. */
    static void keep(Path log) throws IOException {
        if (!Files.exists(log)) {
            return;
        }
        Files.deleteIfExists(kept(log, KEPT));
        for (int n = KEPT - 1; n >= 1; n--) {
            if (Files.exists(kept(log, n))) {
                Files.move(kept(log, n), kept(log, n + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(log, kept(log, 1), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keeps every current {@code *.log} of {@code dir} (not the kept ones). */
    static void keepAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.getFileName().toString().matches("[^.]+\\.log")).toList()) {
                keep(log);
            }
        }
    }

    private static Path kept(Path log, int n) {
        String name = log.getFileName().toString();
        return log.resolveSibling(name.substring(0, name.length() - ".log".length()) + "." + n + ".log");
    }
}
