package io.graphagent.coordinator.job;

import io.graphagent.graph.pregel.Delivery;
import io.graphagent.protocol.v1.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint ordered and not yet complete: after which superstep, where, the aggregator values
 * and delivery it resumes with, which Checkpoint command each writer got, and the answers so
 * far. Its answers are told from any other report by their command id: a writer answers its own
 * Checkpoint command, with CheckpointDone or a failure, once, and again only when that command
 * is sent again after its session resumed. Driver thread only.
 */
final class PendingCheckpoint {
    final int step;
    /** The directory as the agents name it (absolute: shared; {@code JOB/step-N}: peer copies). */
    final String directory;
    /** The directory on the coordinator's side (shared storage), deleted when the checkpoint fails. */
    final Path sharedDir;
    final double[] aggregates;
    final Delivery delivery;
    /** Peer copies: the copy holder of each writer; empty when shared. */
    final Map<String, String> copyHolders;
    /** When the first command went out. */
    final Instant orderedAt;
    /** The Checkpoint command id each writer got, by agent. */
    private final Map<String, Long> commands = new TreeMap<>();
    private final Map<String, Report> answers = new TreeMap<>();

    /** @param aggregates the aggregator values after {@code step}, copied here */
    PendingCheckpoint(int step, String directory, Path sharedDir, double[] aggregates, Delivery delivery,
                      Map<String, String> copyHolders, Instant orderedAt) {
        this.step = step;
        this.directory = directory;
        this.sharedDir = sharedDir;
        this.aggregates = aggregates.clone();
        this.delivery = delivery;
        this.copyHolders = copyHolders;
        this.orderedAt = orderedAt;
    }

    /** {@code agent} was sent the Checkpoint command {@code commandId}. */
    void ordered(String agent, long commandId) {
        commands.put(agent, commandId);
    }

    /** Whether {@code report} from {@code agent} answers its Checkpoint command (CheckpointDone or a failure). */
    boolean isAnswer(String agent, Report report) {
        Long command = commands.get(agent);
        return command != null && command == report.getCommandId()
                && (report.getKindCase() == Report.KindCase.CHECKPOINT_DONE
                || report.getKindCase() == Report.KindCase.FAILURE);
    }

    /** Takes {@code agent}'s answer; a repeated one (its command sent again) is not taken twice. */
    void answered(String agent, Report report) {
        answers.putIfAbsent(agent, report);
    }

    /** Whether {@code agent} answered already. */
    boolean answered(String agent) {
        return answers.containsKey(agent);
    }

    /** Every writer ordered so far answered. */
    boolean complete() {
        return answers.keySet().containsAll(commands.keySet());
    }

    /** The writers that have not answered yet, in order. */
    List<String> missing() {
        return commands.keySet().stream().filter(a -> !answers.containsKey(a)).toList();
    }

    /** Whether {@code agent} was ordered to write it. */
    boolean writer(String agent) {
        return commands.containsKey(agent);
    }

    /** The answers so far, by agent. */
    Map<String, Report> answers() {
        return answers;
    }
}
