package io.graphagent.cli;

import io.graphagent.protocol.v1.CancelJobReply;
import io.graphagent.protocol.v1.JobState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graphagent cancel JOB}: ends a queued or running job (CancelJob). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {
            "Cancel a job: a queued job is CANCELLED at once, a loading, running or recovering one at its next wait "
                    + "(at most a few hundred ms); its agents drop it and its checkpoints are deleted. A job that already "
                    + "ended keeps its state. For a program that never halts, among others.",
            "",
            "Prints the job's state after the request. Exit codes: 0 the job is CANCELLED or will be at its next wait, 1 "
                    + "it had already ended otherwise or is unknown, 2 bad flags, 3 the coordinator refused our certificate.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  graphagent cancel job-3",
            "  graphagent cancel --coordinator coord:7400 --certs certs job-3"})
final class CancelCommand implements Callable<Integer>, ClusterCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job's id, as submit and status show it (e.g. job-3).")
    String jobId;

    @Override
    public Integer call() throws Exception {
        CancelJobReply reply;
        try (CoordinatorClient coordinator = client.connect()) {
            reply = coordinator.cancel(jobId, "graphagent cancel");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("job " + jobId + " " + reply.getState().name() + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage()));
        out.flush();
        JobState state = reply.getState();
        // A running job answers its state now with "cancel requested": it ends CANCELLED at its next wait.
        boolean endedOtherwise = state == JobState.JOB_STATE_UNSPECIFIED || state == JobState.SUCCEEDED
                || state == JobState.FAILED;
        return endedOtherwise ? FailureHandler.EXIT_FAILURE : 0;
    }
}
