package io.graphagent.graph.pregel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A vertex program's {@code compute} threw: the vertex (original id) and the superstep it threw
 * in, with the program's exception as the cause. The engine's own frames are left out of
 * {@link #programTrace}, so a user sees the frames of their code (and of what it called) only.
 */
public final class ProgramException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Frames of the program's trace kept for a report (the rest are counted). */
    private static final int MAX_FRAMES = 20;
    /**
     * The engine's classes around {@code compute}: the loop that calls it and the flyweights the
     * program calls. The program's frames are those above the first of these.
     */
    private static final Set<String> ENGINE = Set.of(ComputeLoop.class.getName(), VertexCursor.class.getName(),
            MessageCursor.class.getName(), BlockAggregates.class.getName());

    private final long vertexId;
    private final int superstep;

    public ProgramException(long vertexId, int superstep, Throwable cause) {
        super("vertex program threw at vertex " + vertexId + " in superstep " + superstep + ": " + cause, cause);
        this.vertexId = vertexId;
        this.superstep = superstep;
    }

    public long vertexId() { return vertexId; }

    public int superstep() { return superstep; }

    /**
     * The cause and its own causes as a Java stack trace, cut at the engine's frame that called
     * {@code compute}: the frames of the program and the libraries it called.
     */
    public String programTrace() {
        StringBuilder out = new StringBuilder();
        Throwable t = getCause();
        List<Throwable> seen = new ArrayList<>();
        while (t != null && !seen.contains(t)) {
            seen.add(t);
            out.append(seen.size() == 1 ? "" : "Caused by: ").append(t).append('\n');
            StackTraceElement[] frames = t.getStackTrace();
            int shown = 0;
            for (StackTraceElement frame : frames) {
                if (ENGINE.contains(frame.getClassName())) {
                    break;
                }
                if (shown == MAX_FRAMES) {
                    out.append("\t... ").append(frames.length - shown).append(" more\n");
                    break;
                }
                out.append("\tat ").append(frame).append('\n');
                shown++;
            }
            t = t.getCause();
        }
        return out.toString().stripTrailing();
    }
}
