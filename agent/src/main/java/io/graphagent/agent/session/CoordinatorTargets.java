package io.graphagent.agent.session;

import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.LeaderTerm;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which coordinator an agent dials next, and which it believes. The configured addresses are
 * tried in turn, moving on after each failed attempt; a standby's {@code NOT_LEADER} names the
 * leader, which is dialled next (at most {@value #MAX_REDIRECTS} redirects in a row, so two
 * standbys that disagree during an election cannot bounce the agent forever). The highest
 * {@link LeaderTerm} seen in a Welcome is kept: a coordinator that welcomes with a lower term
 * was deposed and is refused. Confined to the session thread.
 */
final class CoordinatorTargets {

    /** Redirects followed without a Welcome before the agent falls back to its list and backoff. */
    static final int MAX_REDIRECTS = 3;

    private final List<HostAndPort> configured;
    private int index;
    private HostAndPort redirect;
    private int redirects;
    private HostAndPort current;
    private LeaderTerm highest = LeaderTerm.NONE;

    CoordinatorTargets(List<HostAndPort> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no coordinator address");
        }
        this.configured = List.copyOf(configured);
    }

    /** The coordinator to dial now. */
    HostAndPort next() {
        if (redirect != null) {
            current = redirect;
            redirect = null;
        } else {
            current = configured.get(index);
        }
        return current;
    }

    /** The one dialled last. */
    HostAndPort current() {
        return current == null ? configured.get(index) : current;
    }

    /** An attempt failed: the next configured address comes next. */
    void failed() {
        index = (index + 1) % configured.size();
    }

    /**
     * A standby named {@code leader}: dial it next, unless too many redirects came in a row.
     *
     * @return true when the redirect is followed at once
     */
    boolean redirectTo(Optional<HostAndPort> leader) {
        if (leader.isEmpty() || redirects >= MAX_REDIRECTS) {
            failed();
            return false;
        }
        redirects++;
        redirect = leader.get();
        return true;
    }

    /**
     * A Welcome of {@code term} arrived.
     *
     * @return false when the term is older than one already seen: the coordinator is deposed and must be refused
     */
    boolean welcomed(LeaderTerm term) {
        if (term.olderThan(highest)) {
            return false;
        }
        highest = highest.max(term);
        redirects = 0;
        return true;
    }

    /** The highest leader term seen. */
    LeaderTerm highestTerm() {
        return highest;
    }

    /** Every configured address, comma-separated, for messages. */
    String describe() {
        return String.join(",", configured.stream().map(HostAndPort::toString).toList());
    }

    /** Parses a Reject's leader address; empty when blank or malformed. */
    static Optional<HostAndPort> address(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostAndPort.parse(text.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return Objects.toString(current());
    }
}
