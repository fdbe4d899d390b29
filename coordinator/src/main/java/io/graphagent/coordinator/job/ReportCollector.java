package io.graphagent.coordinator.job;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits for the reports of one phase of a job (the barrier of the superstep loop, a load, a
 * checkpoint, the output): one per agent, of the current job epoch (reports of an older epoch
 * are dropped). A failure report ends the wait: a peer that cannot be reached is a lost agent
 * (the job recovers), any other failure ends the job, unless the {@link Expectation} tolerates
 * it. SuperstepDone reports of a later step than awaited (an agent that started it from
 * {@code Exchange.then_start} while others still exchange) stay in the inbox. The answers of an
 * asynchronous checkpoint are taken out of every wait by its {@link Handover}. Every wait has a
 * deadline. Driver thread only.
 */
final class ReportCollector {
    /** Bound on any one phase (load, a superstep's compute or exchange, a checkpoint, output). */
    static final Duration PHASE_TIMEOUT = Duration.ofMinutes(30);

    private final JobEvents events;
    private final Roster roster;
    private final Clock clock;
    /** The answers of the wait in progress, or of the last one (also when it ended by an exception). */
    private Map<String, Report> answers = Map.of();
    private Tap tap = (agent, report, jobEpoch) -> { };
    /** Takes the answers of a checkpoint in flight, whatever the wait that receives them. */
    private Handover handover = Handover.NONE;

    /** Sees every report a wait takes as an answer, with the job epoch it was taken in (the job simulation checks them). */
    @FunctionalInterface
    interface Tap {
        void accepted(String agent, Report report, JobEpoch jobEpoch);
    }

    /**
     * Takes the reports of a phase that goes on beside the others (an asynchronous checkpoint:
     * its writers answer while the job computes the next supersteps) out of every wait, before
     * the wait looks at them.
     */
    interface Handover {
        Handover NONE = new Handover() {
            @Override
            public boolean stale(String agent, Report report) {
                return false;
            }

            @Override
            public boolean claims(String agent, Report report) {
                return false;
            }

            @Override
            public void take(String agent, Report report) {
            }
        };

        /** A repeat of an answer already taken (its command was sent again): dropped. */
        boolean stale(String agent, Report report);

        /** Whether {@code report} of the current job epoch is an answer the hand-over takes. */
        boolean claims(String agent, Report report);

        /** Takes a claimed answer (a failure of the tolerated kind, or a done report). */
        void take(String agent, Report report) throws JobFailedException;
    }

    ReportCollector(JobEvents events, Roster roster, Clock clock) {
        this.events = events;
        this.roster = roster;
        this.clock = clock;
    }

    /** The deadline of a phase that starts now. */
    Instant phaseDeadline() {
        return clock.instant().plus(PHASE_TIMEOUT);
    }

    /** One report of {@code kind} (of superstep {@code step} when >= 0) from every participant, within a phase. */
    Map<String, Report> await(Report.KindCase kind, int step) throws JobFailedException {
        return await(Expectation.of(kind, step, roster.participants()), phaseDeadline());
    }

    /** One report of {@code kind} (of superstep {@code step} when >= 0) from each of {@code from}. */
    Map<String, Report> await(Report.KindCase kind, int step, Collection<String> from, Instant deadline)
            throws JobFailedException {
        return await(Expectation.of(kind, step, from), deadline);
    }

    /**
     * The reports {@code expected}, by agent.
     *
     * @throws AgentLostException when a participant is lost or reports an unreachable peer
     * @throws JobFailedException on any other failure report, a cancel, or the deadline
     */
    Map<String, Report> await(Expectation expected, Instant deadline) throws JobFailedException {
        return await(expected, deadline, missing -> timedOut(expected, missing));
    }

    /**
     * One answer of {@code kind} to {@code command} from each of {@code from}, within
     * {@code timeout} (the command's own bound, far below a phase's): an agent still silent then
     * is lost, under {@code deadline_exceeded}, and the job recovers without waiting on it,
     * instead of the job waiting a whole phase and failing.
     *
     * @throws AgentLostException when a participant is lost, reports an unreachable peer, or does not answer in time
     * @throws JobFailedException on any other failure report or a cancel
     */
    Map<String, Report> awaitAnswers(String command, Report.KindCase kind, Collection<String> from, Duration timeout)
            throws JobFailedException {
        return await(Expectation.of(kind, -1, from), clock.instant().plus(timeout), missing -> new AgentLostException(
                missing.get(0), DisconnectCause.DEADLINE_EXCEEDED.label(), "agent" + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing) + " did not answer " + command + " within " + timeout.toSeconds() + " s"));
    }

    private Map<String, Report> await(Expectation expected, Instant deadline,
                                      Function<List<String>, JobFailedException> onTimeout) throws JobFailedException {
        Map<String, Report> got = new HashMap<>();
        answers = got;
        List<JobEvent> early = new ArrayList<>();
        try {
            while (!expected.satisfied(got.size())) {
                JobEvent event = events.next(deadline);
                if (event == null) {
                    if (!clock.instant().isBefore(deadline)) {
                        throw onTimeout.apply(expected.from().stream().filter(a -> !got.containsKey(a)).toList());
                    }
                    continue;
                }
                if (event instanceof JobEvent.Reported in && roster.epoch().matches(in.report().getJobEpoch())
                        && !handedOver(in) && expected.from().contains(in.agentId())) {
                    take(expected, in, got, early);
                }
            }
        } finally {
            events.putBack(early);
        }
        return got;
    }

    /** From now on, answers {@code h} claims go to it, out of any wait ({@link Handover#NONE}: none). */
    void handOver(Handover h) {
        handover = Objects.requireNonNull(h, "handover");
    }

    /**
     * Waits until {@code done} holds, while the hand-over takes its answers out of the inbox (an
     * asynchronous checkpoint's last answers); a participant's failure report ends it as in any wait.
     *
     * @param what    what is awaited, for the timeout's message ("CHECKPOINT_DONE of superstep 9")
     * @param missing who has not answered yet, for the timeout's message
     * @throws AgentLostException when a participant is lost or reports an unreachable peer
     * @throws JobFailedException on any other failure report, a cancel, or the deadline
     */
    void awaitHandedOver(String what, BooleanSupplier done, Supplier<List<String>> missing,
                         Instant deadline) throws JobFailedException {
        Expectation expected = Expectation.until(roster.participants(), done);
        await(expected, deadline, none -> new JobFailedException("phase_timeout", what + " not reported by " + missing.get()
                + " within " + PHASE_TIMEOUT.toMinutes() + " min"));
    }

    /**
     * Whether the hand-over took {@code in} (or dropped it as a repeat): a failure of the kind
     * it tolerates, or its done report; any other failure answering it ends the wait as a
     * failure does (the job recovers or fails).
     */
    private boolean handedOver(JobEvent.Reported in) throws JobFailedException {
        Report r = in.report();
        if (handover.stale(in.agentId(), r)) {
            return true;
        }
        if (!handover.claims(in.agentId(), r)) {
            return false;
        }
        if (r.getKindCase() == Report.KindCase.FAILURE && r.getFailure().getKind() != FailureKind.CHECKPOINT_FAILED) {
            throw failure(in.agentId(), r.getFailure());
        }
        tap.accepted(in.agentId(), r, roster.epoch());
        handover.take(in.agentId(), r);
        return true;
    }

    void tap(Tap observer) {
        tap = Objects.requireNonNull(observer, "observer");
    }

    /** The agents that answered the wait in progress or the last one, also when it ended by an exception. */
    Set<String> answered() {
        return Set.copyOf(answers.keySet());
    }

    /**
     * After the job ended: waits for a report of {@code kind} of superstep {@code step} (or a
     * failure) from each of {@code from}, ignoring the cancel and everything else, until
     * {@code deadline}; an agent that becomes DEAD or LEFT is not waited for. Returns the agents
     * that did not answer.
     */
    Set<String> drain(Report.KindCase kind, int step, Set<String> from, Instant deadline) {
        Set<String> silent = new TreeSet<>(from);
        while (!silent.isEmpty()) {
            JobEvent event = events.nextIgnoringCancel(deadline);
            if (event == null) {
                if (!clock.instant().isBefore(deadline)) {
                    break;
                }
            } else if (event instanceof JobEvent.Reported in && roster.epoch().matches(in.report().getJobEpoch())
                    && (in.report().getKindCase() == Report.KindCase.FAILURE
                    || in.report().getKindCase() == kind && stepOf(in.report()) == step)) {
                silent.remove(in.agentId());
            } else if (event instanceof JobEvent.AgentChanged change && (change.to() == AgentState.DEAD
                    || change.to() == AgentState.LEFT)) {
                silent.remove(change.agentId());
            }
        }
        return silent;
    }

    private void take(Expectation expected, JobEvent.Reported in, Map<String, Report> got, List<JobEvent> early)
            throws JobFailedException {
        Report r = in.report();
        Report.KindCase kind = r.getKindCase();
        if (kind == Report.KindCase.FAILURE) {
            if (r.getFailure().getKind() != expected.tolerated()) {
                throw failure(in.agentId(), r.getFailure());
            }
            tap.accepted(in.agentId(), r, roster.epoch());
            got.put(in.agentId(), r);
        } else if (kind == expected.kind() && (expected.step() < 0 || stepOf(r) == expected.step())) {
            tap.accepted(in.agentId(), r, roster.epoch());
            got.put(in.agentId(), r);
        } else if (kind == expected.streamed()) {
            tap.accepted(in.agentId(), r, roster.epoch());
            expected.onStreamed().accept(r);
        } else if (kind == Report.KindCase.SUPERSTEP_DONE && expected.step() >= 0 && stepOf(r) > expected.step()) {
            early.add(in);
        }
    }

    /**
     * What a failure report means for the job: a peer that cannot be reached is lost (the job
     * recovers; the peer is the participant at {@code Failure.peer_address}, or the reporting
     * agent when the address names none), counted under the agent's DisconnectCause for it, else
     * {@code peer_unreachable}; a failure the agent calls retryable (it lost the job's
     * state, e.g. it restarted and resumed its session) loses that agent, which loads the job
     * again in the recovery; any other failure ends the job.
     */
    private JobFailedException failure(String agent, Failure f) {
        String cause = f.getKind().name().toLowerCase(Locale.ROOT);
        if (f.getKind() == FailureKind.PEER_UNREACHABLE) {
            String peer = roster.dataAddresses().entrySet().stream().filter(a -> a.getValue().equals(f.getPeerAddress()))
                    .map(Map.Entry::getKey).findFirst().orElse(agent);
            // The agent names the connection's DisconnectCause when it knows it (path_mtu_blackhole, ...).
            return new AgentLostException(peer, f.getCause().isEmpty() ? cause : f.getCause(),
                    "agent " + agent + ": " + f.getMessage());
        }
        if (f.getRetryable()) {
            return new AgentLostException(agent, cause, "agent " + agent + ": " + f.getMessage());
        }
        return new JobFailedException(cause, "agent " + agent + ": " + f.getMessage());
    }

    private static JobFailedException timedOut(Expectation expected, List<String> missing) {
        return new JobFailedException("phase_timeout", expected.describe() + (missing.isEmpty() ? " not complete"
                : " not reported by " + missing) + " within " + PHASE_TIMEOUT.toMinutes() + " min");
    }

    static int stepOf(Report r) {
        return switch (r.getKindCase()) {
            case SUPERSTEP_DONE -> r.getSuperstepDone().getSuperstep();
            case EXCHANGE_DONE -> r.getExchangeDone().getSuperstep();
            case CHECKPOINT_DONE -> r.getCheckpointDone().getSuperstep();
            default -> -1;
        };
    }
}
