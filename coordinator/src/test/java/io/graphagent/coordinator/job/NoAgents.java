package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.Command;
import java.util.List;

/** A membership with nobody in it: reloaded jobs wait, submitted ones queue. */
final class NoAgents implements AgentDirectory {
    @Override
    public List<AgentView> alive() {
        return List.of();
    }

    @Override
    public boolean send(String agentId, Command command) {
        return false;
    }

    @Override
    public void setReportSink(ReportSink sink) {
    }

    @Override
    public void addListener(MembershipListener listener) {
    }
}
