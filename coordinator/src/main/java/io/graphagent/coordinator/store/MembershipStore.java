package io.graphagent.coordinator.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.graphagent.coordinator.membership.SessionEpochs;
import io.graphagent.protocol.v1.StoredMembership;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership facts that outlive the coordinator process ({@code STATE/membership.state}, a
 * {@link StoredMembership}): the ceiling of the session epochs handed out, the agent ids that
 * have had a session, and how many times a coordinator started on this state.
 *
 * <p>Epochs are reserved in blocks of {@value #EPOCH_BLOCK}: the ceiling is written (fsync)
 * before any epoch under it is handed out, so a crash at any moment leaves a ceiling at or
 * above every epoch in use, and the next incarnation starts above it. One write per block
 * rather than per session keeps the disk off the Hello path. Thread-safe.
 */
public final class MembershipStore implements SessionEpochs {
    /** File name under the state directory. */
    public static final String FILE = "membership.state";
    /** Epochs reserved per write: at ~1 session per agent start, years of restarts fit in a long. */
    public static final long EPOCH_BLOCK = 1000;

    private static final Logger log = LoggerFactory.getLogger(MembershipStore.class);

    private final Path file;
    private final int incarnation;
    private final long firstEpoch;
    private final Set<String> knownAtStart;
    // Guarded by this.
    private final Set<String> known;
    private long next;
    private long ceiling;

    private MembershipStore(Path file, int incarnation, long firstEpoch, long ceiling, Set<String> known) {
        this.file = file;
        this.incarnation = incarnation;
        this.firstEpoch = firstEpoch;
        this.next = firstEpoch;
        this.ceiling = ceiling;
        this.known = new TreeSet<>(known);
        this.knownAtStart = Set.copyOf(known);
    }

    /**
     * Reads the membership of the last incarnation (none on a new state directory), counts this
     * start, and reserves the first block of epochs above everything handed out before.
     *
     * @throws StateDirException when the file is torn or corrupt, or the reservation cannot be written
     */
    public static MembershipStore open(Path stateDir) throws StateDirException {
        Path file = stateDir.resolve(FILE);
        StoredMembership previous = StoredMembership.getDefaultInstance();
        if (Files.exists(file)) {
            byte[] payload = StoreFile.read(file);
            try {
                previous = StoredMembership.parseFrom(payload);
            } catch (InvalidProtocolBufferException e) {
                throw new StateDirException(file, "is corrupt: its checksum matches but it is not a membership record ("
                        + e.getMessage() + ")", "move it out of " + stateDir + ", stop every agent, and start the"
                        + " coordinator and then the agents again", e);
            }
        }
        long first = previous.getEpochCeiling() + 1;
        MembershipStore store = new MembershipStore(file, previous.getIncarnation() + 1, first,
                previous.getEpochCeiling() + EPOCH_BLOCK, new TreeSet<>(previous.getKnownAgentsList()));
        synchronized (store) {
            store.write();
        }
        return store;
    }

    /** Starts of a coordinator on this state directory, this one included (1: the first). */
    public int incarnation() {
        return incarnation;
    }

    /** Whether an earlier coordinator ran on this state directory. */
    public boolean restarted() {
        return incarnation > 1;
    }

    /** The first epoch this incarnation hands out: above every epoch of earlier ones. */
    public long firstEpoch() {
        return firstEpoch;
    }

    /** Agent ids that had a session before this incarnation started. */
    public Set<String> knownAgentsAtStart() {
        return knownAtStart;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized long next() {
        if (next > ceiling) {
            ceiling += EPOCH_BLOCK;
            try {
                write();
            } catch (StateDirException e) {
                ceiling -= EPOCH_BLOCK;
                log.error("event=epoch_reservation_failed file={} detail=\"{}\"", file, e.getMessage());
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return next++;
    }

    @Override
    public synchronized void agentSeen(String agentId) {
        if (known.add(agentId)) {
            try {
                write();
            } catch (StateDirException e) {
                log.warn("event=known_agents_not_saved agent={} file={} detail=\"{}\"", agentId, file, e.getMessage());
            }
        }
    }

    private void write() throws StateDirException {
        StoreFile.write(file, StoredMembership.newBuilder().setEpochCeiling(ceiling).addAllKnownAgents(known)
                .setIncarnation(incarnation).build().toByteArray());
    }
}
