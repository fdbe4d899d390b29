package io.graphagent.agent.fleet;

import io.graphagent.agent.job.CommandHandler;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.protocol.v1.Command;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer of an agent that only holds a session: no partitions, no data plane, no graph
 * work. Its data address is a placeholder the coordinator accepts but nobody dials, so a job
 * submitted to a cluster of idle agents would fail: a {@link SessionFleet} is for measuring the
 * control plane only. Commands are counted and ignored. Thread-safe.
 */
final class IdleAgent implements CommandHandler {

    private static final Logger log = LoggerFactory.getLogger(IdleAgent.class);

    /** Where an idle agent claims its data plane listens: the discard port, never dialled without a job. */
    static final String DATA_ADDRESS = "127.0.0.1:9";

    private final AtomicLong commands = new AtomicLong();

    @Override
    public String dataAddress() {
        return DATA_ADDRESS;
    }

    @Override
    public Map<String, List<Integer>> heldPartitions() {
        return Map.of();
    }

    @Override
    public void onCommand(Command command, CoordinatorLink link) {
        if (commands.incrementAndGet() == 1) {
            log.warn("event=command_ignored agent={} command={} job={} detail=\"a session-only agent does no graph"
                    + " work: do not submit jobs to a session fleet\"", link.agentId(), command.getCommandId(),
                    command.getJobId());
        }
    }

    @Override
    public void onFenced(String reason) {
        // Nothing held: nothing to drop.
    }

    @Override
    public void close() {
    }
}
