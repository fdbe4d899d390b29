package io.graphagent.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Options of the long-running processes ({@code coordinator}, {@code agent}): the log level of
 * their event lines, and the hidden {@code --exit-with-parent PID} that {@code graphagent local}
 * gives its children so that a cluster never outlives the command that started it, even when
 * that command is killed with SIGKILL.
 */
final class ServerProcessOptions {
    /**
     * Looked up when used, not held in a static field: picocli makes every command object to build
     * {@code --help}, and a static logger would start Logback (~600 classes) on every command.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ServerProcessOptions.class);
    }

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Level of the log lines on stderr: ERROR, WARN, INFO, DEBUG or TRACE. Default: ${DEFAULT-VALUE} "
                    + "(one line per event: connections, agent state changes, jobs).")
    String logLevel;

    @Option(names = "--exit-with-parent", paramLabel = "PID", hidden = true,
            description = "Exit (running the shutdown hooks) when process PID ends.")
    Long parentPid;

    /** Sets the root log level and starts watching the parent; call before starting anything. */
    void apply() {
        Level level = Level.toLevel(logLevel, null);
        if (level == null) {
            throw new BadInputException("--log-level " + logLevel + " is not a level", "pass ERROR, WARN, INFO, DEBUG or TRACE");
        }
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(level);
        }
        if (parentPid != null) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> {
                        log().warn("event=parent_exited pid={} action=stopping", parentPid);
                        System.exit(0);
                    }),
                    () -> {
                        throw new BadInputException("--exit-with-parent " + parentPid + ": no such process", "pass a running pid");
                    });
        }
    }
}
