package io.graphagent.agent.job;

import io.graphagent.agent.program.JobPrograms;
import io.graphagent.agent.program.ProgramUnavailableException;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.net.tls.TlsFilesException;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.ProgramRef;
import java.util.Map;

/**
 * Opens the user program a rebuild or an attach order names, for its job: from the agent's
 * cache, or the jar fetched from the coordinator. A program that cannot be had answers the
 * command LOAD_FAILED with the reason.
 */
final class OrderedProgram {
    private OrderedProgram() {
    }

    /** Whether the program {@code ref} is open for the command's job; false once the command was answered failed. */
    static boolean open(JobPrograms programs, PeerCheckpoints.Dialer dialer, Answers answers, CoordinatorLink link,
                        Command command, ProgramRef ref, Map<String, String> parameters) {
        try {
            programs.open(command.getJobId(), ref, parameters, dialer.channel(link.coordinatorAddress()));
            return true;
        } catch (ProgramUnavailableException | TlsFilesException e) {
            answers.fail(link, command, FailureKind.LOAD_FAILED, e.getMessage());
            return false;
        }
    }
}
