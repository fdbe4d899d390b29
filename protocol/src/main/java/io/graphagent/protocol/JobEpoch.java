package io.graphagent.protocol;

/**
 * The epoch of a job: 1 when it starts, raised by every rollback to a checkpoint (a lost agent,
 * a coordinator restart). Commands, reports and data-plane batches carry it ({@code job_epoch});
 * reports and batches of an older job epoch are dropped, so work from before a rollback never
 * mixes with work after it. Not to be mixed with the {@link SessionEpoch} of an agent's session.
 * Immutable.
 *
 * @param value the number on the wire, from 1
 */
public record JobEpoch(long value) implements Comparable<JobEpoch> {

    /** The epoch a job starts in. */
    public static final JobEpoch FIRST = new JobEpoch(1);

    public JobEpoch {
        if (value < 1) {
            throw new IllegalArgumentException("a job epoch is 1 or more, got " + value);
        }
    }

    /** The epoch a message carries in its {@code job_epoch} field. */
    public static JobEpoch of(long value) {
        return new JobEpoch(value);
    }

    /** The epoch of the next rollback. */
    public JobEpoch next() {
        return new JobEpoch(value + 1);
    }

    /** Whether a message's {@code job_epoch} is this epoch. */
    public boolean matches(long onTheWire) {
        return value == onTheWire;
    }

    @Override
    public int compareTo(JobEpoch other) {
        return Long.compare(value, other.value);
    }

    /** The number, as logs and status show it. */
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
