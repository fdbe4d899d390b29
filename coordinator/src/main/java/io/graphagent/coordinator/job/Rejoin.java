package io.graphagent.coordinator.job;

import io.graphagent.config.SessionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * When a job that a restarted coordinator reloaded may place its partitions again. The agents
 * of the old incarnation come back as their reconnect backoff retries, each as a new session
 * (the new process knows none of the old ones). Placing the partitions on the first agent back
 * would pile the whole job on it, so a job waits until every agent it ran on is ALIVE again,
 * or until the {@linkplain #window rejoin window} has passed and at least one is; with none
 * back after {@link #giveUpAfter()} it fails, as a job without agents does. Pure decisions on
 * the times given; immutable and thread-safe. The resident graphs a restarted coordinator
 * takes back wait by the same rule before they copy missing replicas.
 */
public final class Rejoin {

    /** What a reloaded job does now. */
    public enum Verdict {
        /** Keep waiting for agents. */
        WAIT,
        /** Place the partitions on the agents ALIVE now. */
        PLACE,
        /** No agent came back: fail the job. */
        GIVE_UP
    }

    private final Instant restartedAt;
    private final Duration window;
    private final Duration giveUpAfter;
    private final Set<String> knownAgents;

    /**
     * @param restartedAt when this coordinator process started
     * @param window      how long to wait for every expected agent ({@link #window(SessionConfig)})
     * @param giveUpAfter how long after the start a job with no agent at all fails
     * @param knownAgents agents of the earlier incarnation, expected for a job that recorded none
     */
    public Rejoin(Instant restartedAt, Duration window, Duration giveUpAfter, Set<String> knownAgents) {
        this.restartedAt = Objects.requireNonNull(restartedAt, "restartedAt");
        this.window = Objects.requireNonNull(window, "window");
        this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        this.knownAgents = Set.copyOf(knownAgents);
    }

    /**
     * The longest a live agent takes to come back: one capped reconnect delay
     * ({@code session.reconnect.max}) plus a lease ({@code session.lease-ttl}) for the dial,
     * the handshake and the first heartbeat: 15 s with the lan profile, 3 s with test.
     */
    public static Duration window(SessionConfig session) {
        return session.reconnect().max().plus(session.leaseTtl());
    }

    /** How long after the restart a job with no agent back fails. */
    Duration giveUpAfter() {
        return giveUpAfter;
    }

    /**
     * @param expected agents the job ran on before the restart (empty: the known agents)
     * @param alive    agents ALIVE now
     */
    public Verdict verdict(Set<String> expected, Set<String> alive, Instant now) {
        Set<String> wanted = expected.isEmpty() ? knownAgents : expected;
        if (!alive.isEmpty() && (alive.containsAll(wanted) || !now.isBefore(restartedAt.plus(window)))) {
            return Verdict.PLACE;
        }
        if (alive.isEmpty() && !now.isBefore(restartedAt.plus(giveUpAfter))) {
            return Verdict.GIVE_UP;
        }
        return Verdict.WAIT;
    }
}
