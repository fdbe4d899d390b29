package io.graphagent.agent.job;

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
 * (the coordinator has one outstanding per agent and job). Thread-safe.
 */
final class ReplyLog {
    /** Commands remembered; older ones are forgotten. */
    static final int COMMANDS = 8;

    private final Map<Long, List<Report>> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Report>> eldest) {
            return size() > COMMANDS;
        }
    };

    /** Remembers a command arriving; false when it arrived before (the coordinator sent it again). */
    synchronized boolean first(long commandId) {
        return recent.putIfAbsent(commandId, new ArrayList<>()) == null;
    }

    /** Records a report sent for a remembered command. */
    synchronized void sent(long commandId, Report report) {
        List<Report> reports = recent.get(commandId);
        if (reports != null) {
            reports.add(report);
        }
    }

    /** The reports sent so far for a command, in order. */
    synchronized List<Report> reports(long commandId) {
        return List.copyOf(recent.getOrDefault(commandId, List.of()));
    }

    /** Forgets every command. */
    synchronized void clear() {
        recent.clear();
    }
}
