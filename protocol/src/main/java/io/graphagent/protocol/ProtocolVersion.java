package io.graphagent.protocol;

/**
 * The range of session protocol versions this build speaks. An agent sends its range in
 * {@code Hello}; the coordinator picks the highest version in both ranges
 * ({@link VersionNegotiation}) or rejects with {@code VERSION_UNSUPPORTED}.
 *
 * <p>A version number names a meaning of the messages in {@code graphagent/v1/*.proto}, not
 * a build. Adding a field does not need a new version (an older peer keeps it as an
 * unknown field and ignores it). A change that an older peer would misread (a field that
 * must be understood, a new required command) raises {@link #MAX}; dropping support for an
 * old meaning raises {@link #MIN}. Keep the window at least one version wide across a
 * release so that a rolling upgrade never strands agents.
 */
public final class ProtocolVersion {

    /** Lowest version this build speaks: 1, the first versioned protocol. */
    public static final int MIN = 1;

    /**
     * Highest version this build speaks: 5 (2: agents start the next superstep from
     * {@code Exchange.then_start} and read compact broadcasts, {@code MessageBatch.member_bits};
     * 3: agents send broadcasts early and hold a peer's early batches, {@code Exchange.early_broadcasts};
     * 4: agents answer {@code Resolve.mirrors} and send a peer only the broadcasts it mirrors,
     * {@code Exchange.mirrored_broadcasts}; 5: agents hold a peer's batches of a later superstep
     * also before their own exchange began, so that peers may close their streams right after
     * compute, {@code StartSuperstep.graph_edge_slots}). Raise it with any change an older peer misreads.
     */
    public static final int MAX = 5;

    /** First version whose agents act on {@code Exchange.then_start}. */
    public static final int EXCHANGE_THEN_START = 2;

    /** First version whose agents send and read compact broadcasts ({@code Exchange.compact_broadcasts}). */
    public static final int COMPACT_BROADCASTS = 2;

    /**
     * First version whose agents hold batches of a superstep they have not reached yet
     * (until they have advanced), so that peers may send broadcasts early ({@code Exchange.early_broadcasts}).
     */
    public static final int EARLY_BROADCASTS = 3;

    /**
     * First version whose agents answer which members of a partition they mirror
     * ({@code ResolveRequest.mirrors}) and read broadcasts in the mirrored form
     * ({@code MessageBatch.mirrored}), so that peers send them only those ({@code Exchange.mirrored_broadcasts}).
     */
    public static final int MIRRORED_BROADCASTS = 4;

    /**
     * First version whose agents hold a peer's batches of a superstep after the one they file
     * (computed and not yet exchanged) also before their own exchange of it began, so that peers
     * may send their outbox and close their streams right after compute
     * ({@code StartSuperstep.graph_edge_slots}, told only when every agent speaks it).
     */
    public static final int EARLY_CLOSE = 5;

    private ProtocolVersion() {
    }

    /** This build's range as text, e.g. {@code [1,1]}, for logs and messages. */
    public static String describe() {
        return describe(MIN, MAX);
    }

    /** A range as text: {@code [min,max]}. */
    public static String describe(int min, int max) {
        return "[" + min + "," + max + "]";
    }
}
