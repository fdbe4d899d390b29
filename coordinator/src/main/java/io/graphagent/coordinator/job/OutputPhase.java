package io.graphagent.coordinator.job;

import io.graphagent.graph.output.Existing;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.WriteOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The end of a job: every agent streams its vertices' formatted values as {@code OutputChunk}s
 * on its session and reports {@code OutputDone}; the coordinator writes them to the user's
 * file in vertex id order, atomically ({@link OutputAssembler}). Driver thread only.
 */
final class OutputPhase {
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final StatusBoard board;

    OutputPhase(Roster roster, CommandSender sender, ReportCollector collector, StatusBoard board) {
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.board = board;
    }

    /**
     * Gathers the output of {@code partitions} partitions into {@code output}, replacing a file
     * there only as {@code existing} allows; returns the vertices written.
     */
    long write(Path output, Existing existing, int partitions) throws JobFailedException {
        board.setState(JobState.WRITING_OUTPUT, "writing " + output);
        OutputAssembler assembler = new OutputAssembler(partitions);
        sender.broadcast(Command.newBuilder().setWriteOutput(WriteOutput.newBuilder().setPartDirectory("")));
        Map<String, Report> done = collector.await(Expectation.of(Report.KindCase.OUTPUT_DONE, -1, roster.participants())
                .streaming(Report.KindCase.OUTPUT_CHUNK, r -> assembler.add(r.getOutputChunk()), assembler::complete),
                collector.phaseDeadline());
        try {
            assembler.writeTo(output, existing);
        } catch (IOException e) {
            throw new JobFailedException("output_failed", "cannot write " + output + ": " + e.getMessage());
        }
        return done.values().stream().mapToLong(r -> r.getOutputDone().getVertices()).sum();
    }
}
