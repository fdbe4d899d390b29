package io.graphagent.graph.output;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output file cannot be written where the user asked: its directory is missing, is not
 * a directory, or refuses new files. Carries the path, the problem and the fix, so the CLI
 * can print one line and exit with "bad input" rather than fail after a long computation.
 */
public final class OutputException extends IOException {
    private final Path path;
    private final String problem;
    private final String fix;

    public OutputException(Path path, String problem, String fix) {
        this(path, problem, fix, null);
    }

    public OutputException(Path path, String problem, String fix, Throwable cause) {
        super(path + ": " + problem + ". Fix: " + fix, cause);
        this.path = path;
        this.problem = problem;
        this.fix = fix;
    }

    /** The output file (or prefix) the user named. */
    public Path path() { return path; }

    public String problem() { return problem; }

    public String fix() { return fix; }
}
