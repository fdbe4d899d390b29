package io.graphagent.coordinator.job;

import io.graphagent.protocol.SessionEpoch;
import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.CheckpointDone;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.RestoreDone;
import io.graphagent.protocol.v1.SuperstepDone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agents played by a test, for the job layer without a network: the ALIVE list is the test's,
 * every command sent is recorded in order, and the test answers for the agents
 * ({@link #ok(Command)} gives the usual answer). Thread-safe.
 */
final class ScriptedAgents implements AgentDirectory {
    static final Duration WAIT = Duration.ofSeconds(10);

    record Sent(String agent, Command command) {
    }

    final List<AgentView> alive = new CopyOnWriteArrayList<>();
    /** Calls of {@link #alive()} so far: a driver waiting for agents calls it again and again. */
    final AtomicInteger aliveCalls = new AtomicInteger();
    /** When set, the next call of {@link #alive()} throws it (then it is cleared). */
    volatile Error aliveFails;
    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final Map<Long, String> owners = new ConcurrentHashMap<>();

    /** {@code n} ALIVE agents agent-1 .. agent-n, data addresses 127.0.0.1:7501 and up, protocol 1. */
    static ScriptedAgents alive(int n) {
        ScriptedAgents agents = new ScriptedAgents();
        for (int i = 1; i <= n; i++) {
            agents.alive.add(new AgentView("agent-" + i, SessionEpoch.of(1), "127.0.0.1:750" + i, 2, 1));
        }
        return agents;
    }

    @Override
    public List<AgentView> alive() {
        aliveCalls.incrementAndGet();
        Error failure = aliveFails;
        if (failure != null) {
            aliveFails = null;
            throw failure;
        }
        return List.copyOf(alive);
    }

    @Override
    public boolean send(String agentId, Command command) {
        if (alive.stream().noneMatch(a -> a.agentId().equals(agentId))) {
            return false;
        }
        owners.put(command.getCommandId(), agentId);
        sent.add(new Sent(agentId, command));
        return true;
    }

    String owner(Command c) {
        return owners.get(c.getCommandId());
    }

    /** The next command sent, within {@link #WAIT}. */
    Sent next() throws InterruptedException {
        Sent s = sent.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(s).as("a command within " + WAIT).isNotNull();
        return s;
    }

    /** The next command of {@code kind}, answering every other one with {@link #ok} through {@code reply}. */
    Sent nextOfKind(Command.KindCase kind, JobScheduler reply) throws InterruptedException {
        while (true) {
            Sent s = next();
            if (s.command().getKindCase() == kind) {
                return s;
            }
            answer(reply, s, ok(s.command()));
        }
    }

    /** Sends {@code report} as {@code s.agent()}'s answer to {@code s.command()}; null sends nothing. */
    static void answer(JobScheduler scheduler, Sent s, Report.Builder report) {
        if (report != null) {
            Command c = s.command();
            scheduler.onReport(s.agent(), report.setCommandId(c.getCommandId()).setJobId(c.getJobId())
                    .setJobEpoch(c.getJobEpoch()).build());
        }
    }

    /** The answer of an agent for which all goes well; null for commands without a report. */
    static Report.Builder ok(Command c) {
        return switch (c.getKindCase()) {
            case LOAD_PARTITIONS, SHUFFLE_PARTITIONS, BUILD_PARTITIONS, REBUILD_PARTITIONS -> ScriptedLoads.answer(c,
                    c.hasLoadPartitions() ? c.getLoadPartitions().getPartitionIdsList()
                            : c.hasRebuildPartitions() ? c.getRebuildPartitions().getPartitionIdsList() : java.util.List.of(), 60, 6);
            case START_SUPERSTEP -> Report.newBuilder().setSuperstepDone(SuperstepDone.newBuilder()
                    .setSuperstep(c.getStartSuperstep().getSuperstep()).setActiveVertices(2).setComputedVertices(2)
                    .setMessagesSent(4));
            case EXCHANGE -> Report.newBuilder().setExchangeDone(ExchangeDone.newBuilder()
                    .setSuperstep(c.getExchange().getSuperstep()));
            case CHECKPOINT -> Report.newBuilder().setCheckpointDone(CheckpointDone.newBuilder()
                    .setSuperstep(c.getCheckpoint().getSuperstep()).setBytes(100));
            case RESTORE -> Report.newBuilder().setRestoreDone(RestoreDone.newBuilder()
                    .setSuperstep(c.getRestore().getSuperstep()).addAllPartitionIds(c.getRestore().getPartitionIdsList()));
            default -> null;
        };
    }

    /** Commands sent so far and not taken by {@link #next()}. */
    List<Sent> pending() {
        return List.copyOf(sent);
    }

    @Override
    public void setReportSink(ReportSink sink) {
    }

    @Override
    public void addListener(MembershipListener listener) {
    }
}
