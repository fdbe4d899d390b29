package io.graphagent.graph.pregel;

/**
 * Associative, commutative folds of messages or aggregator values. A closed set so the
 * engine can run each in a specialised loop over primitive arrays.
 */
public enum Combiner {
    SUM {
        @Override public double combine(double a, double b) { return a + b; }
        @Override public double identity() { return 0.0; }
    },
    MIN {
        @Override public double combine(double a, double b) { return Math.min(a, b); }
        @Override public double identity() { return Double.POSITIVE_INFINITY; }
    },
    MAX {
        @Override public double combine(double a, double b) { return Math.max(a, b); }
        @Override public double identity() { return Double.NEGATIVE_INFINITY; }
    };

    public abstract double combine(double a, double b);

    /** The value that changes nothing when combined. */
    public abstract double identity();
}
