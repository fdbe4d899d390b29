package io.graphagent.api;

/**
 * Associative, commutative folds of messages (in the program's {@link MessageType}) or of
 * aggregator values. A closed set so the engine runs each in a specialised loop over
 * primitive arrays, never a virtual call per message.
 */
public enum Combiner {
    /** The sum; identity 0. */
    SUM {
        @Override public double combine(double a, double b) { return a + b; }
        @Override public double identity() { return 0.0; }
        @Override public long combine(long a, long b) { return a + b; }
        @Override public long longIdentity() { return 0L; }
    },
    /** The least value; identity +infinity (or {@link Long#MAX_VALUE}). */
    MIN {
        @Override public double combine(double a, double b) { return Math.min(a, b); }
        @Override public double identity() { return Double.POSITIVE_INFINITY; }
        @Override public long combine(long a, long b) { return Math.min(a, b); }
        @Override public long longIdentity() { return Long.MAX_VALUE; }
    },
    /** The greatest value; identity -infinity (or {@link Long#MIN_VALUE}). */
    MAX {
        @Override public double combine(double a, double b) { return Math.max(a, b); }
        @Override public double identity() { return Double.NEGATIVE_INFINITY; }
        @Override public long combine(long a, long b) { return Math.max(a, b); }
        @Override public long longIdentity() { return Long.MIN_VALUE; }
    };

    /** The fold of two double values. */
    public abstract double combine(double a, double b);

    /** The double value that changes nothing when combined. */
    public abstract double identity();

    /** The fold of two long values. */
    public abstract long combine(long a, long b);

    /** The long value that changes nothing when combined. */
    public abstract long longIdentity();
}
