package io.graphagent.coordinator.resident;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Report;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commands about resident graphs sent on agents' session streams, each awaiting its report by
 * command id. An agent lost fails what it was asked. Thread-safe.
 */
final class PendingCommands {
    /** Why a command got no report. */
    static final class Unanswered extends Exception {
        private static final long serialVersionUID = 1L;

        Unanswered(String message) {
            super(message);
        }
    }

    private record Pending(String agent, CompletableFuture<Report> answer) {
    }

    private final AgentDirectory directory;
    private final AtomicLong commandIds;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    PendingCommands(AgentDirectory directory, AtomicLong commandIds) {
        this.directory = directory;
        this.commandIds = commandIds;
    }

    /** Sends {@code command} (stamped with an id, the job id and epoch) and returns its report to come. */
    CompletableFuture<Report> send(String agent, String jobId, long epoch, Command.Builder command) {
        long id = commandIds.incrementAndGet();
        CompletableFuture<Report> answer = new CompletableFuture<>();
        pending.put(id, new Pending(agent, answer));
        answer.whenComplete((r, e) -> pending.remove(id));
        if (!directory.send(agent, command.setCommandId(id).setJobId(jobId).setJobEpoch(epoch).build())) {
            answer.completeExceptionally(new Unanswered("agent " + agent + " has no open session"));
        }
        return answer;
    }

    /** A report: completes its command; false when it answers none pending. */
    boolean answer(String agent, Report report) {
        Pending p = pending.get(report.getCommandId());
        if (p == null || !p.agent.equals(agent)) {
            return false;
        }
        p.answer.complete(report);
        return true;
    }

    /** The agent is lost: what it was asked will not be answered. */
    void lost(String agent, String cause) {
        pending.values().stream().filter(p -> p.agent.equals(agent))
                .forEach(p -> p.answer.completeExceptionally(new Unanswered("agent " + agent + " was lost (" + cause + ")")));
    }
}
