package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.LifecycleCause;
import io.graphagent.protocol.v1.AgentState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A job's view of its {@link Inbox}: the next event before a deadline, with the news that ends
 * the current phase raised as exceptions: a cancel, a participant DEAD or LEFT (an
 * {@link AgentLostException}, which the job recovers from), the driver thread interrupted
 * (the coordinator stops). A participant whose session resumed is handed to the resend hook
 * (its last command may have been lost with the old stream). Driver thread only.
 */
final class JobEvents {
    private final Inbox inbox;
    private final Roster roster;
    private final BooleanSupplier cancelled;
    private Consumer<String> resumed = agent -> { };

    JobEvents(Inbox inbox, Roster roster, BooleanSupplier cancelled) {
        this.inbox = inbox;
        this.roster = roster;
        this.cancelled = cancelled;
    }

    /** Who is told of a participant whose session resumed (the command sender, which sends its last command again). */
    void onResumed(Consumer<String> hook) {
        resumed = Objects.requireNonNull(hook, "hook");
    }

    /**
     * The next event, or null when none came before {@code deadline}.
     *
     * @throws AgentLostException when a participant became DEAD or LEFT
     * @throws JobFailedException when the job was cancelled or the coordinator is stopping
     */
    JobEvent next(Instant deadline) throws JobFailedException {
        JobEvent event;
        try {
            event = inbox.poll(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException(JobFailedException.SHUTTING_DOWN, "the coordinator is shutting down");
        }
        if (event != null && cancelled.getAsBoolean()) {
            // Left for the cleanup after the cancel: it may be a checkpoint writer's answer it waits for.
            inbox.putBack(List.of(event));
        }
        checkCancelled("cancelled by the user");
        if (event instanceof JobEvent.AgentChanged change && roster.includes(change.agentId())
                && (change.to() == AgentState.DEAD || change.to() == AgentState.LEFT)) {
            throw new AgentLostException(change.agentId(), change.cause(), "agent " + change.agentId() + " became "
                    + change.to() + " (cause " + change.cause() + ") during the job");
        }
        if (event instanceof JobEvent.AgentChanged change && change.to() == AgentState.ALIVE
                && LifecycleCause.RESUMED.is(change.cause())) {
            resumed.accept(change.agentId());
        }
        return event;
    }

    /**
     * The next event or null after {@code deadline}, with nothing raised (for the cleanup after
     * the job ended); null at once when the driver thread is interrupted.
     */
    JobEvent nextIgnoringCancel(Instant deadline) {
        try {
            return inbox.poll(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Throws when the job was cancelled, with {@code message}. */
    void checkCancelled(String message) throws JobFailedException {
        if (cancelled.getAsBoolean()) {
            throw new JobFailedException(JobFailedException.CANCELLED, message);
        }
    }

    /** Puts events taken but not consumed back at the head of the inbox, in their order. */
    void putBack(List<JobEvent> events) {
        inbox.putBack(events);
    }
}
