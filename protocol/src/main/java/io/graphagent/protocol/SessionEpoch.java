package io.graphagent.protocol;

/**
 * The epoch of an agent's session: the coordinator gives every new session the next one
 * ({@code Welcome.session_epoch}) and a resumed session keeps it. Commands, reports and
 * heartbeats carry it ({@code session_epoch}); anything of another epoch than the session's is
 * refused and its stream fenced, so an agent that wakes from a long pause cannot act on a
 * session that is over. Not to be mixed with the {@link JobEpoch}, which a rollback raises; the
 * coordinator's leader term (issue 13) is a third word beside these two. Immutable.
 *
 * @param value the number on the wire, from 1 (0: none)
 */
public record SessionEpoch(long value) implements Comparable<SessionEpoch> {

    /** No session. */
    public static final SessionEpoch NONE = new SessionEpoch(0);

    public SessionEpoch {
        if (value < 0) {
            throw new IllegalArgumentException("a session epoch is 0 or more, got " + value);
        }
    }

    /** The epoch a message carries in its {@code session_epoch} field. */
    public static SessionEpoch of(long value) {
        return new SessionEpoch(value);
    }

    /** Whether a message's {@code session_epoch} is this epoch. */
    public boolean matches(long onTheWire) {
        return value == onTheWire;
    }

    public boolean isAfter(SessionEpoch other) {
        return value > other.value;
    }

    @Override
    public int compareTo(SessionEpoch other) {
        return Long.compare(value, other.value);
    }

    /** The number, as logs and status show it. */
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
