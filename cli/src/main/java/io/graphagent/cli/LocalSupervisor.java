package io.graphagent.cli;

import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.StatusReply;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Watches a running local cluster for the user of {@code graphagent local}: one line when a
 * process exits (with its last log lines) and one per agent state change the coordinator
 * reports, until the cluster stops or its last coordinator is gone. Each look is one second
 * apart.
 */
final class LocalSupervisor {
    private static final Duration LOOK = Duration.ofSeconds(1);

    private final LocalProcesses processes;
    private final PrintWriter out;
    /** True once the cluster is being stopped: exits are expected then, and nothing more is said. */
    private final BooleanSupplier stopping;
    /** Each agent's state as last said (or seen ALIVE as the cluster started). */
    private final Map<String, AgentState> lastStates = new HashMap<>();

    LocalSupervisor(LocalProcesses processes, PrintWriter out, BooleanSupplier stopping) {
        this.processes = processes;
        this.out = out;
        this.stopping = stopping;
    }

    /** Records that {@code agent} was seen ALIVE as the cluster started (not a change to report). */
    void sawAlive(String agent) {
        lastStates.put(agent, AgentState.ALIVE);
    }

    /**
     * Watches until the cluster stops or the coordinator ends. Returns the exit code of the
     * command: 0 when stopped, 1 when the coordinator died.
     */
    int supervise(CoordinatorClient client) {
        List<ChildProcess> reported = new ArrayList<>();
        while (!stopping.getAsBoolean()) {
            for (ChildProcess child : processes.all()) {
                if (!child.alive() && !reported.contains(child) && !stopping.getAsBoolean()) {
                    reported.add(child);
                    out.println("graphagent local: " + child.name() + " (pid " + child.pid() + ") exited with code "
                            + child.exitCode() + LocalProcesses.logExcerpt(child));
                    out.flush();
                    if (child.name().startsWith("coordinator")
                            && processes.all().stream().noneMatch(c -> c.name().startsWith("coordinator") && c.alive())) {
                        out.println("graphagent local: the coordinator is gone; stopping the agents");
                        out.flush();
                        return FailureHandler.EXIT_FAILURE;
                    }
                }
            }
            reportTransitions(client);
            PollDeadline.sleep(LOOK);
        }
        return 0;
    }

    private void reportTransitions(CoordinatorClient client) {
        StatusReply reply;
        try {
            reply = client.status(false);
        } catch (CoordinatorCallException e) {
            return;
        }
        for (AgentStatus a : reply.getAgentsList()) {
            AgentState before = lastStates.put(a.getAgentId(), a.getState());
            if (before != a.getState() && !stopping.getAsBoolean()) {
                out.println("graphagent local: " + a.getAgentId() + " " + (before == null ? "joined" : before.name()) + " -> "
                        + a.getState().name() + (a.getStateCause().isEmpty() ? "" : " (" + a.getStateCause() + ")"));
                out.flush();
            }
        }
    }
}
