package io.graphagent.graph.load;

import java.nio.file.Path;

/**
 * A graph input file that cannot be loaded as given: names the file, the line (0 for the
 * file as a whole), what is wrong and how to fix it, so one line tells the user everything.
 */
public final class GraphInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String problem;
    private final String fix;

    /**
     * @param line 1-based line of the problem, or 0 when it concerns the file as a whole
     * @param problem what is wrong, without a trailing period
     * @param fix what the user should do, without a trailing period
     */
    public GraphInputException(Path file, long line, String problem, String fix) {
        super(format(file, line, problem, fix));
        this.file = file;
        this.line = line;
        this.problem = problem;
        this.fix = fix;
    }

    public Path file() { return file; }

    /** 1-based line, or 0 when the problem concerns the whole file. */
    public long line() { return line; }

    public String problem() { return problem; }

    public String fix() { return fix; }

    private static String format(Path file, long line, String problem, String fix) {
        String where = line == 0 ? String.valueOf(file) : file + ":" + line;
        return where + ": " + problem + ". Fix: " + fix;
    }
}
