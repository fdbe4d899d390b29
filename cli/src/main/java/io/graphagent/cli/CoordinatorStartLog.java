package io.graphagent.cli;

import io.graphagent.config.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a coordinator process printed to its log as it started, which a local cluster waits
 * for and reads its addresses from: where it listens, its admin and query HTTP addresses, and
 * (with the etcd store) that it stands by.
 */
final class CoordinatorStartLog {
    private static final Pattern LISTENING = Pattern.compile("coordinator listening on (\\S+) \\(");
    private static final Pattern ADMIN = Pattern.compile("admin http://(\\S+) \\(");
    private static final Pattern QUERY_HTTP = Pattern.compile("query http://(\\S+) \\(");
    private static final Pattern STANDING_BY = Pattern.compile("coordinator standing by on (\\S+) ");

    private CoordinatorStartLog() {
    }

    /** The address the coordinator listens on, once it said so; empty before, or when the log is unreadable. */
    static Optional<HostPort> listening(Path log) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            return address(LISTENING, log);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The admin HTTP address the coordinator printed, if it did. */
    static Optional<HostPort> admin(Path log) throws IOException {
        return address(ADMIN, log);
    }

    /** The query HTTP address the coordinator printed, if it did. */
    static Optional<HostPort> queryHttp(Path log) throws IOException {
        return address(QUERY_HTTP, log);
    }

    /** True once a coordinator of the etcd store said it stands by (false while the log is unreadable). */
    static boolean standingBy(Path log) {
        try {
            return Files.exists(log) && STANDING_BY.matcher(Files.readString(log, StandardCharsets.UTF_8)).find();
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<HostPort> address(Pattern pattern, Path log) throws IOException {
        Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(HostPort.parse(m.group(1))) : Optional.empty();
    }
}
