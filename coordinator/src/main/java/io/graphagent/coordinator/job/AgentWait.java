package io.graphagent.coordinator.job;

import io.graphagent.config.DurationFormat;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the agents a job needs: at least {@code job.min-agents} ALIVE ones, for up to
 * {@code job.agent-wait} (at the start and at every recovery); and after a coordinator restart,
 * for the agents the job ran on to rejoin ({@link Rejoin}). Fails the job when they do not
 * come, naming what to start. Driver thread only.
 */
final class AgentWait {
    private static final Logger log = LoggerFactory.getLogger(AgentWait.class);
    /** How often the membership is looked at again while waiting. */
    private static final Duration LOOK_AGAIN = Duration.ofMillis(200);

    private final String jobId;
    private final AgentDirectory directory;
    private final JobEvents events;
    private final Clock clock;
    private final int minAgents;
    private final Duration agentWait;

    AgentWait(String jobId, AgentDirectory directory, JobEvents events, Clock clock, int minAgents, Duration agentWait) {
        this.jobId = jobId;
        this.directory = directory;
        this.events = events;
        this.clock = clock;
        this.minAgents = minAgents;
        this.agentWait = agentWait;
    }

    /** Whether an ALIVE agent is outside {@code participants} (it joined after the job was placed). */
    boolean joinedOutside(List<String> participants) {
        java.util.Set<String> placed = new java.util.HashSet<>(participants);
        return directory.alive().stream().anyMatch(a -> !placed.contains(a.agentId()));
    }

    /**
     * The ALIVE agents, once there are at least {@code job.min-agents}; waits up to
     * {@code job.agent-wait} for more to join, then fails the job (nothing is written then).
     */
    List<AgentView> enough() throws JobFailedException {
        Instant deadline = clock.instant().plus(agentWait);
        while (true) {
            List<AgentView> alive = directory.alive();
            if (alive.size() >= minAgents) {
                return alive;
            }
            events.checkCancelled("cancelled while waiting for agents");
            if (clock.instant().isAfter(deadline)) {
                String waited = DurationFormat.format(agentWait);
                if (alive.isEmpty() && minAgents == 1) {
                    throw new JobFailedException("no_agents", "no agent is ALIVE after " + waited
                            + " (job.agent-wait): start agents with `graphagent agent --coordinator HOST:PORT` (or `graphagent local`)");
                }
                throw new JobFailedException("too_few_agents", alive.size() + " agent" + (alive.size() == 1 ? " is" : "s are")
                        + " ALIVE but the job needs at least " + minAgents + " (job.min-agents), and no more joined within "
                        + waited + " (job.agent-wait): start more agents, or lower job.min-agents");
            }
            events.next(clock.instant().plus(LOOK_AGAIN));
        }
    }

    /**
     * Waits {@code pause} (between two attempts of a recovery whose load failed), answering a
     * cancel or the loss of an agent of the job at once, as {@link JobEvents#next} does.
     */
    void pause(Duration pause) throws JobFailedException {
        Instant until = clock.instant().plus(pause);
        while (clock.instant().isBefore(until)) {
            events.next(until);
        }
    }

    /**
     * After a coordinator restart, for a job on a resident graph: waits while the graph takes
     * back its replicas from the agents ({@link ResidentCatalog#restoring}), which ends within
     * the rejoin window; bounded by {@link Rejoin#giveUpAfter()} from now all the same.
     */
    void residentRestored(ResidentCatalog catalog, String graph, Rejoin rejoin) throws JobFailedException {
        Instant bound = clock.instant().plus(rejoin.giveUpAfter());
        while (catalog.restoring(graph)) {
            events.checkCancelled("cancelled while the resident graph " + graph + " took back its replicas");
            if (clock.instant().isAfter(bound)) {
                log.warn("event=resident_restore_not_awaited job={} graph={} waited_ms={}", jobId, graph,
                        rejoin.giveUpAfter().toMillis());
                return;
            }
            events.next(clock.instant().plus(LOOK_AGAIN));
        }
        log.info("event=resident_graph_restored job={} graph={}", jobId, graph);
    }

    /**
     * After a coordinator restart: waits until the agents the job ran on ({@code expected}) are
     * ALIVE again, or the rejoin window passed and at least one is; fails the job (no_agents)
     * when none came back.
     */
    void rejoined(Rejoin rejoin, List<String> expectedAgents) throws JobFailedException {
        Set<String> expected = new TreeSet<>(expectedAgents);
        while (true) {
            Set<String> alive = new TreeSet<>();
            directory.alive().forEach(a -> alive.add(a.agentId()));
            switch (rejoin.verdict(expected, alive, clock.instant())) {
                case PLACE -> {
                    log.info("event=agents_rejoined job={} alive={} expected={}", jobId, alive, expected);
                    return;
                }
                case GIVE_UP -> throw new JobFailedException("no_agents", "no agent rejoined within "
                        + rejoin.giveUpAfter().toSeconds() + " s of the coordinator restart (expected "
                        + (expected.isEmpty() ? "any" : String.join(", ", expected)) + "): start the agents with"
                        + " `graphagent agent --coordinator HOST:PORT`, then submit the job again");
                case WAIT -> events.next(clock.instant().plus(LOOK_AGAIN));
            }
        }
    }
}
