package io.graphagent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * What a fault scenario measured: how long the coordinator took to notice (fault to DEAD), to
 * recover (the job RECOVERING to RUNNING again), and how many supersteps were computed twice. Every fault test
 * prints its line; when the system property {@value #REPORT_PROPERTY} names a file, the line is
 * also appended to it, tab-separated (bench/faults.sh reads them). A scenario is recorded only
 * after its result was found equal to the single-process engine's.
 *
 * @param scenario  what was done to the cluster
 * @param detection fault to DEAD, when an agent was declared DEAD
 * @param recovery  RECOVERING to RUNNING again (or a scenario's own measure, named in its note)
 * @param redone    supersteps computed twice
 * @param note      anything else the scenario observed
 */
record FaultFigures(String scenario, Optional<Duration> detection, Optional<Duration> recovery, int redone, String note) {
    /** System property naming a file the scenario figures are appended to. */
    static final String REPORT_PROPERTY = "graphagent.faults.report";

    private static final java.util.regex.Pattern RESUMED_AT = java.util.regex.Pattern.compile("resumed at superstep (\\d+)");

    /**
     * The first recovery after the fault at {@code faultAt}: from the job going RECOVERING (when
     * the coordinator learnt of the loss, from a peer's failed exchange or the agent's DEAD,
     * whichever came first) to the job RUNNING again.
     */
    static Optional<Duration> recovery(CoordinatorEvents events, java.time.Instant faultAt) {
        return events.first(e -> e.jobBecame("RECOVERING"), faultAt)
                .flatMap(r -> events.first(e -> e.jobBecame("RUNNING") && e.seq() > r.seq(), r.time())
                        .map(e -> Duration.between(r.time(), e.time())));
    }

    /**
     * Supersteps computed twice: those completed before the first recovery after {@code from}
     * ({@code lastBeforeRecovery} the last of them, -1 for none) and after the superstep it resumed at.
     */
    static int redone(CoordinatorEvents events, java.time.Instant from, int lastBeforeRecovery) {
        return events.first(e -> e.kind().equals("job_recovered") && RESUMED_AT.matcher(e.detail()).find(), from)
                .map(e -> {
                    java.util.regex.Matcher m = RESUMED_AT.matcher(e.detail());
                    m.find();
                    return lastBeforeRecovery + 1 - Integer.parseInt(m.group(1));
                }).orElse(0);
    }

    /**
     * The figures of an agent lost to a fault injected at {@code faultAt}: detection up to its
     * {@code dead} event, the job's first recovery after the fault, and the supersteps redone
     * ({@code lastBeforeRecovery}: the last superstep completed before the recovery).
     */
    static FaultFigures ofLoss(String scenario, CoordinatorEvents events, CoordinatorEvents.Event dead,
            java.time.Instant faultAt, int lastBeforeRecovery, String note) {
        return new FaultFigures(scenario, Optional.of(Duration.between(faultAt, dead.time())), recovery(events, faultAt),
                redone(events, faultAt, lastBeforeRecovery), note);
    }

    /** Prints the line and appends it to the report file, if any. */
    void record() throws IOException {
        System.out.printf("fault scenario: %-90s detection %-8s recovery %-8s redone %d, result equal: yes; %s%n", scenario,
                detection.map(d -> d.toMillis() + " ms").orElse("-"), recovery.map(d -> d.toMillis() + " ms").orElse("-"),
                redone, note);
        String report = System.getProperty(REPORT_PROPERTY, "");
        if (!report.isBlank()) {
            String line = String.join("\t", scenario, detection.map(d -> Long.toString(d.toMillis())).orElse("-"),
                    recovery.map(d -> Long.toString(d.toMillis())).orElse("-"), Integer.toString(redone), "yes", note) + "\n";
            Files.writeString(Path.of(report), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
