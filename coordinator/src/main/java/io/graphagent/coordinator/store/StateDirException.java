package io.graphagent.coordinator.store;

import java.nio.file.Path;

/**
 * A file of the coordinator's state directory cannot be read or written: torn, corrupt,
 * from a newer format, or the disk refused it. The message is one line that names the file,
 * what is wrong and the fix; the coordinator refuses to start rather than forget a job or hand
 * out a session epoch twice.
 */
public final class StateDirException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    StateDirException(Path file, String problem, String fix) {
        super("coordinator state file " + file + " " + problem + ". Fix: " + fix);
        this.file = file;
    }

    StateDirException(Path file, String problem, String fix, Throwable cause) {
        this(file, problem, fix);
        initCause(cause);
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
