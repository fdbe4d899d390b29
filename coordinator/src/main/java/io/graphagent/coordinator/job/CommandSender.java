package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.protocol.v1.Abort;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Release;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a job's commands on the agents' session streams, stamped with a fresh command id, the
 * job id and the current job epoch. An agent without an open stream gets one resume window
 * (the lease: an agent that resumes within it keeps its session) before it counts as lost. The
 * last command sent to each agent goes again when its session resumes. Driver thread only.
 */
final class CommandSender {
    private static final Logger log = LoggerFactory.getLogger(CommandSender.class);
    /** How often a command for an agent without a session is tried again. */
    private static final Duration RETRY = Duration.ofMillis(50);

    private final String jobId;
    private final AgentDirectory directory;
    private final Roster roster;
    private final JobEvents events;
    private final Clock clock;
    private final Duration resumeWindow;
    private final AtomicLong commandIds;
    /** The last command sent to each agent, sent again when its session resumes. */
    private final Map<String, Command> lastSent = new HashMap<>();
    /** Told first of a participant whose session resumed: a command before the last may be lost too. */
    private Consumer<String> resumed = agent -> { };

    /**
     * @param resumeWindow how long a broken session may take to resume before the agent counts as lost (the lease ttl)
     * @param commandIds   the coordinator's command ids, unique within its process
     */
    CommandSender(String jobId, AgentDirectory directory, Roster roster, JobEvents events, Clock clock,
                  Duration resumeWindow, AtomicLong commandIds) {
        this.jobId = jobId;
        this.directory = directory;
        this.roster = roster;
        this.events = events;
        this.clock = clock;
        this.resumeWindow = resumeWindow;
        this.commandIds = commandIds;
        events.onResumed(this::resend);
    }

    /**
     * Whom to tell when a participant's session resumed, before its last command goes again:
     * only the last is sent again, so the owner of an earlier command still unanswered (a
     * checkpoint being written) decides what the loss of that command means.
     */
    void onResumed(Consumer<String> hook) {
        resumed = Objects.requireNonNull(hook, "hook");
    }

    /** Sends {@code command} to every participant. */
    void broadcast(Command.Builder command) throws JobFailedException {
        for (String agent : roster.participants()) {
            send(agent, command);
        }
    }

    /**
     * Sends a command; when the agent's stream is broken, keeps trying for one resume window
     * and then counts the agent as lost. Events that arrive meanwhile stay in the inbox. Returns
     * the command as sent (with its id).
     */
    Command send(String agent, Command.Builder command) throws JobFailedException {
        Command c = stamp(command);
        lastSent.put(agent, c);
        Instant deadline = clock.instant().plus(resumeWindow);
        List<JobEvent> seen = new ArrayList<>();
        try {
            while (!directory.send(agent, c)) {
                if (clock.instant().isAfter(deadline)) {
                    throw new AgentLostException(agent, "stream_broken", "agent " + agent + " has had no open session for "
                            + resumeWindow.toMillis() + " ms (" + c.getKindCase() + " not delivered)");
                }
                JobEvent event = events.next(clock.instant().plus(RETRY));
                if (event != null) {
                    seen.add(event);
                }
            }
        } finally {
            // Back at the head, in their order: output chunks must stay in sequence.
            events.putBack(seen);
        }
        return c;
    }

    /**
     * The agent's session resumed: the command or its reports may have been lost with the old
     * stream, so the last command goes again with its own id. An agent that has it already
     * answers by sending its reports again; the collectors keep one report per agent and phase.
     */
    void resend(String agent) {
        resumed.accept(agent);
        Command c = lastSent.get(agent);
        if (c != null && roster.epoch().matches(c.getJobEpoch()) && roster.includes(agent)) {
            log.info("event=command_resent job={} agent={} command={} kind={} detail=\"session resumed\"", jobId, agent,
                    c.getCommandId(), c.getKindCase());
            directory.send(agent, c);
        }
    }

    /** Tells every participant to drop the job, without waiting for anyone. */
    void abort(String reason) {
        for (String agent : roster.participants()) {
            directory.send(agent, stamp(Command.newBuilder().setAbort(Abort.newBuilder().setReason(reason))));
        }
    }

    /** The job succeeded: every participant may drop it. */
    void release() throws JobFailedException {
        broadcast(Command.newBuilder().setRelease(Release.getDefaultInstance()));
    }

    private Command stamp(Command.Builder command) {
        return command.setCommandId(commandIds.incrementAndGet()).setJobId(jobId).setJobEpoch(roster.epoch().value()).build();
    }
}
