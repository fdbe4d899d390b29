package io.graphagent.cli;

import io.graphagent.config.ProcessLock;
import java.io.IOException;

/**
 * The claim of one {@code graphagent local} on its state directory: a {@link ProcessLock} on
 * {@code local.lock}, so that a second {@code local} on the same directory is refused instead of
 * replacing the certificates of a running cluster.
 */
final class StateDirLock implements AutoCloseable {
    private final ProcessLock lock;

    private StateDirLock(ProcessLock lock) {
        this.lock = lock;
    }

    /** @throws BadInputException when another process holds the directory */
    static StateDirLock acquire(LocalState state) throws IOException {
        try {
            return new StateDirLock(ProcessLock.acquire(state.lockFile()));
        } catch (ProcessLock.HeldException e) {
            throw new BadInputException("another 'graphagent local' runs with state directory " + state.dir() + e.pidSuffix(),
                    "stop it (Ctrl-C in its terminal), or pass --state-dir DIR and --port N for a second cluster");
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
