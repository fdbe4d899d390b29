package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Report;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a {@link ReportCollector} waits for: one report of {@code kind} from each agent of
 * {@code from} (of superstep {@code step} when it is 0 or more). Optionally a failure kind that
 * counts as that agent's answer instead of ending the job ({@code tolerated}, e.g. a
 * checkpoint that could not be written), and reports of a second kind passed on as they come
 * ({@code streamed}, e.g. output chunks) with a condition that must hold too before the wait
 * ends. Immutable.
 */
record Expectation(Report.KindCase kind, int step, List<String> from, FailureKind tolerated,
                   Report.KindCase streamed, Consumer<Report> onStreamed, BooleanSupplier complete) {

    /** One report of {@code kind} from each of {@code from}; {@code step} -1 for any. */
    static Expectation of(Report.KindCase kind, int step, Collection<String> from) {
        return new Expectation(kind, step, List.copyOf(from), null, null, r -> { }, () -> true);
    }

    /**
     * No report of its own: the wait ends once {@code done} holds (on what a
     * {@link ReportCollector.Handover} takes); a failure reported by one of {@code from} ends it
     * as in any wait (an agent that lost the job answers whatever command was resent to it).
     */
    static Expectation until(Collection<String> from, BooleanSupplier done) {
        return new Expectation(Report.KindCase.KIND_NOT_SET, -1, List.copyOf(from), null, null, r -> { }, done);
    }

    /** Whether a wait that has {@code answers} answers may end. */
    boolean satisfied(int answers) {
        return (kind == Report.KindCase.KIND_NOT_SET || answers >= from.size()) && complete.getAsBoolean();
    }

    /** The same, with a failure of {@code failure} taken as the agent's answer. */
    Expectation tolerating(FailureKind failure) {
        return new Expectation(kind, step, from, failure, streamed, onStreamed, complete);
    }

    /** The same, passing every report of {@code kind} to {@code sink} and waiting until {@code done} holds too. */
    Expectation streaming(Report.KindCase streamedKind, Consumer<Report> sink, BooleanSupplier done) {
        return new Expectation(kind, step, from, tolerated, streamedKind, sink, done);
    }

    /** For messages: "EXCHANGE_DONE of superstep 4". */
    String describe() {
        return kind + (step >= 0 ? " of superstep " + step : "");
    }
}
