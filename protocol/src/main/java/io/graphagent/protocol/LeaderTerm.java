package io.graphagent.protocol;

/**
 * The term of a leading coordinator: raised by one at every election won through etcd, so a
 * higher term is always a later leader. {@link #NONE} (0) is the local store's single
 * coordinator, which never competes. It travels in {@code Welcome.leader_term}; an agent keeps
 * the highest term it has seen and refuses a coordinator of a lower one, which is how a
 * deposed leader that wakes from a pause is kept from commanding anybody (fencing by term, as
 * session epochs fence agents). Not a session epoch, not a job epoch: a separate counter of
 * the control plane. Immutable.
 *
 * @param value the term, from 1 for the first elected leader; 0 for none
 */
public record LeaderTerm(long value) implements Comparable<LeaderTerm> {

    /** No election: the local store's coordinator, or a term not yet known. */
    public static final LeaderTerm NONE = new LeaderTerm(0);

    public LeaderTerm {
        if (value < 0) {
            throw new IllegalArgumentException("a leader term is never negative: " + value);
        }
    }

    /** The term as carried in a protobuf field (0 stands for {@link #NONE}). */
    public static LeaderTerm of(long value) {
        return value == 0 ? NONE : new LeaderTerm(value);
    }

    /** The term a leader elected after this one takes. */
    public LeaderTerm next() {
        return new LeaderTerm(Math.addExact(value, 1));
    }

    /** Whether this term comes from an earlier leader than {@code other}. */
    public boolean olderThan(LeaderTerm other) {
        return value < other.value;
    }

    /** The later of the two. */
    public LeaderTerm max(LeaderTerm other) {
        return olderThan(other) ? other : this;
    }

    @Override
    public int compareTo(LeaderTerm other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "term " + value;
    }
}
