package io.graphagent.agent.job;

import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports sent for the agent's most recent commands. A broken session stream may lose a
 * command or the reports sent for it; when the session resumes, the coordinator sends its last
 * command again with the same id. A command seen before is then answered from here, by sending
 * its reports again, instead of being run twice. Keeps the last {@value #COMMANDS} commands
 * (the coordinator has one outstanding per agent and job).
 *
 * <p>A command counts as sent again only when it equals the one remembered under its id: a
 * session carried over to a new leader keeps this log, but the new leader numbers its commands
 * afresh, so an id seen before may name a different command, which is run, not answered with
 * the old command's reports. Thread-safe.
 */
final class ReplyLog {
    /** Commands remembered; older ones are forgotten. */
    static final int COMMANDS = 8;

    /** A remembered command and the reports sent for it so far. */
    private record Remembered(Command command, List<Report> reports) {
    }

    private final Map<Long, Remembered> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Remembered> eldest) {
            return size() > COMMANDS;
        }
    };

    /**
     * Remembers a command arriving; false when this very command arrived before (the
     * coordinator sent it again). A different command under a remembered id replaces it.
     */
    synchronized boolean first(Command command) {
        // Sent again on a resumed session, the command carries that session's epoch: the rest is the same.
        Command sent = command.toBuilder().clearSessionEpoch().build();
        Remembered seen = recent.get(command.getCommandId());
        if (seen != null && seen.command.equals(sent)) {
            return false;
        }
        recent.remove(command.getCommandId());
        recent.put(command.getCommandId(), new Remembered(sent, new ArrayList<>()));
        return true;
    }

    /** Records a report sent for a remembered command. */
    synchronized void sent(long commandId, Report report) {
        Remembered entry = recent.get(commandId);
        if (entry != null) {
            entry.reports.add(report);
        }
    }

    /** The reports sent so far for a command, in order. */
    synchronized List<Report> reports(long commandId) {
        Remembered entry = recent.get(commandId);
        return entry == null ? List.of() : List.copyOf(entry.reports);
    }

    /** Forgets every command. */
    synchronized void clear() {
        recent.clear();
    }
}
