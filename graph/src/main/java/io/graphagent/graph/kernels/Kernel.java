package io.graphagent.graph.kernels;

import io.graphagent.api.OutputFormat;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.VertexProgram;
import io.graphagent.api.VertexState;
import java.util.function.IntToLongFunction;

/**
 * A configured program bound to a graph's ids: the program to run, its shape, and how to print
 * its final state through its {@link OutputFormat}. {@link #format} reuses one view, so it is
 * called from one thread at a time.
 */
public final class Kernel {
    private final VertexProgram program;
    private final ProgramShape shape;
    private final OutputFormat output;
    private final View view = new View();
    private static final long[][] NO_LONGS = new long[0][];
    private final double[][] one = new double[1][1];

    /**
     * @param program a configured program
     * @param originalIds the original id of any dense id a format may name (labels)
     */
    public Kernel(VertexProgram program, IntToLongFunction originalIds) {
        this.program = program;
        this.shape = program.shape();
        this.output = program.output() == null ? OutputFormat.ALL_FIELDS : program.output();
        view.originalIds = originalIds;
    }

    public VertexProgram program() { return program; }

    public ProgramShape shape() { return shape; }

    /**
     * Whether double field 0 holds dense vertex ids that the format prints as original ids: a
     * runner holding part of the graph must learn those of other partitions.
     */
    public boolean valuesNameVertices() {
        return output.valuesNameVertices();
    }

    /** The output text of the vertex at {@code index} of the given per-field arrays. */
    public String format(double[][] doubles, long[][] longs, int index) {
        view.doubles = doubles;
        view.longs = longs;
        view.index = index;
        return output.format(view);
    }

    /** The output text of a program whose whole state is one double field. */
    public String format(double value) {
        if (shape.doubleFields() != 1 || shape.longFields() != 0) {
            throw new IllegalStateException("format(double) is for one-double programs; this one has " + shape.doubleFields()
                    + " double and " + shape.longFields() + " long fields");
        }
        one[0][0] = value;
        return format(one, NO_LONGS, 0);
    }

    /** The reused state view. */
    private static final class View implements VertexState {
        IntToLongFunction originalIds;
        double[][] doubles;
        long[][] longs;
        int index;

        @Override public double getDouble(int field) { return doubles[field][index]; }

        @Override public long getLong(int field) { return longs[field][index]; }

        @Override public int doubleFields() { return doubles.length; }

        @Override public int longFields() { return longs.length; }

        @Override public long originalIdOf(int dense) { return originalIds.applyAsLong(dense); }
    }
}
