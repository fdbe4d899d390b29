package io.graphagent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where a process test keeps its cluster's logs for a failure's post-mortem: target/NAME. */
final class PostMortemLogs {
    private PostMortemLogs() {
    }

    /** Copies every log of {@code state} into {@code target/name}, over what an earlier run left. */
    static void keep(LocalState state, String name) throws IOException {
        Path kept = Path.of("target", name);
        Files.createDirectories(kept);
        try (var logs = Files.list(state.logs())) {
            for (Path p : logs.toList()) {
                Files.copy(p, kept.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
