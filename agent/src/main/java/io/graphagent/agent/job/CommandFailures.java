package io.graphagent.agent.job;

import io.graphagent.agent.load.ShareMemory;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.graph.pregel.ProgramException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command that threw on the job thread, answered with its cause so that the agent lives on:
 * out of heap (the job's state dropped first, the fix named), the user's program (its own
 * frames), or anything else (the exception's class and message, as COMPUTE_FAILED). Job thread.
 */
final class CommandFailures {
    private static final Logger log = LoggerFactory.getLogger(CommandFailures.class);

    private final Answers answers;
    /** Drops a job's load, share, program and runner (not its checkpoints or structure files), by job id. */
    private final Consumer<String> dropJobState;

    CommandFailures(Answers answers, Consumer<String> dropJobState) {
        this.answers = answers;
        this.dropJobState = dropJobState;
    }

    /** Answers {@code command}, which threw {@code e}. */
    void answer(Command command, CoordinatorLink link, Throwable e) {
        switch (e) {
            case OutOfMemoryError oom -> outOfMemory(command, link);
            case ProgramException thrown -> {
                // The user's code threw: the job fails with the program's own frames; this agent lives on.
                log.warn("event=command_failed cause=program_error job={} command={} vertex={} superstep={} detail=\"{}\"",
                        command.getJobId(), command.getKindCase(), thrown.vertexId(), thrown.superstep(), thrown.getCause());
                answers.fail(link, command, FailureKind.COMPUTE_FAILED, "vertex program threw at vertex " + thrown.vertexId()
                        + " in superstep " + thrown.superstep() + " on agent " + link.agentId() + ":\n" + thrown.programTrace());
            }
            default -> {
                log.warn("event=command_failed cause={} job={} command={} detail=\"{}\"", e.getClass().getSimpleName(),
                        command.getJobId(), command.getKindCase(), e.getMessage(), e);
                answers.fail(link, command, FailureKind.COMPUTE_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private void outOfMemory(Command command, CoordinatorLink link) {
        // Drop the job's state so this agent lives on for the next job.
        dropJobState.accept(command.getJobId());
        FailedJobHeap.release(command.getJobId(), "out of memory in " + command.getKindCase());
        Runtime runtime = Runtime.getRuntime();
        String message = "agent " + link.agentId() + " ran out of heap (" + (runtime.maxMemory() >> 20)
                + " MB maximum) during " + command.getKindCase() + " of job " + command.getJobId()
                + ". " + ShareMemory.MORE_HEAP_FIX;
        log.warn("event=command_failed cause=out_of_memory job={} command={} detail=\"{}\"", command.getJobId(),
                command.getKindCase(), message);
        answers.fail(link, command, FailureKind.OUT_OF_MEMORY, message);
    }
}
