package io.graphagent.coordinator.job;

import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Restore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a job back after it lost an agent, or after the coordinator restarted: a new job epoch
 * (reports and batches of the old one are refused), the partitions dealt again over the ALIVE
 * agents (survivors keep theirs; an agent new to the job loads it first), and every agent
 * restoring the last complete checkpoint, or starting again from superstep 0 without one. A
 * job gives up after {@link #MAX_RECOVERIES}. Driver thread only.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /** Recoveries after which a job gives up: an agent that keeps dying is a problem to look at, not to retry. */
    static final int MAX_RECOVERIES = 10;
    /** The cause of the recovery a restarted coordinator runs for each job it reloads. */
    static final String RESTARTED = "coordinator_restarted";

    private final String jobId;
    private final ResolvedJob job;
    private final Roster roster;
    private final StatusBoard board;
    private final AgentWait agents;
    private final ShareSource loader;
    private final CheckpointCoordinator checkpoints;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final Clock clock;
    private final List<JobListener> listeners;

    Recovery(String jobId, ResolvedJob job, Roster roster, StatusBoard board, AgentWait agents, ShareSource loader,
             CheckpointCoordinator checkpoints, CommandSender sender, ReportCollector collector, Clock clock,
             List<JobListener> listeners) {
        this.jobId = jobId;
        this.job = job;
        this.roster = roster;
        this.board = board;
        this.agents = agents;
        this.loader = loader;
        this.checkpoints = checkpoints;
        this.sender = sender;
        this.collector = collector;
        this.clock = clock;
        this.listeners = listeners;
    }

    /** A lost agent costs one recovery; fails the job past {@link #MAX_RECOVERIES}. */
    void count(AgentLostException lost) throws JobFailedException {
        int recoveries = board.recovered();
        log.warn("event=agent_lost job={} agent={} cause={} recoveries={} detail=\"{}\"", jobId, lost.agent, lost.cause,
                recoveries, lost.getMessage());
        giveUpPast(recoveries, lost);
    }

    private static void giveUpPast(int recoveries, JobFailedException last) throws JobFailedException {
        if (recoveries > MAX_RECOVERIES) {
            throw new JobFailedException(last.cause, "gave up after " + MAX_RECOVERIES + " recoveries; last: "
                    + last.getMessage());
        }
    }

    /**
     * After a coordinator restart: every agent loads the job again and restores the recorded
     * checkpoint. Returns the superstep to go on with.
     *
     * @param reached the superstep the job had begun
     */
    int afterRestart(int reached) throws JobFailedException {
        int recoveries = board.recovered();
        JobFailedException restart = new JobFailedException(RESTARTED, "the coordinator restarted");
        log.warn("event=job_rollback job={} cause={} recoveries={}", jobId, RESTARTED, recoveries);
        giveUpPast(recoveries, restart);
        return rollBack(null, RESTARTED, reached);
    }

    /** After losing {@code lost}: returns the superstep to go on with. */
    int afterLoss(AgentLostException lost, int reached) throws JobFailedException {
        count(lost);
        return rollBack(lost.agent, lost.cause, reached);
    }

    /** The cause of a rollback that deals the partitions over agents that joined (job.rebalance: on-join). */
    static final String AGENT_JOINED = "agent_joined";

    /**
     * After a complete checkpoint, agents joined: deals the partitions again over every ALIVE
     * agent, each loads its share, and the job goes on from that checkpoint. Not counted as a
     * recovery. Returns the superstep to go on with.
     */
    int rebalance(int reached) throws JobFailedException {
        log.info("event=job_rebalance job={} cause={} agents_before={}", jobId, AGENT_JOINED, roster.participants().size());
        return rollBack(null, AGENT_JOINED, reached);
    }

    /**
     * @param lostAgent the agent lost, or null after a coordinator restart
     * @param reached   the superstep the job had begun (for the count of supersteps done again)
     * @return the superstep to go on with; the checkpoint restored is {@link CheckpointCoordinator#last()}
     */
    private int rollBack(String lostAgent, String cause, int reached) throws JobFailedException {
        checkpoints.rolledBack();
        int attempt = 0;
        while (true) {
            if (attempt++ > 0) {
                // The last attempt failed on a peer: a data-plane cut between agents fails every load
                // at once, so back off rather than spend the recovery budget within seconds.
                try {
                    agents.pause(retryPause(attempt));
                } catch (AgentLostException again) {
                    count(again);
                    lostAgent = again.agent;
                    cause = again.cause;
                    continue;
                }
            }
            Instant t0 = clock.instant();
            if (lostAgent != null) {
                checkpoints.lost(lostAgent);
            }
            CheckpointState last = checkpoints.last();
            boolean joined = AGENT_JOINED.equals(cause);
            String why = joined ? "agents joined" : lostAgent == null ? "the coordinator restarted"
                    : "lost agent " + lostAgent + " (" + cause + ")";
            board.setState(JobState.RECOVERING, why + ": rolling back to " + (last == null ? "the start"
                    : "the checkpoint of superstep " + last.superstep()) + ", epoch " + roster.epoch().next());
            roster.advance();
            // After a restart nobody holds the job: every agent loads it again.
            Set<String> loaded = new HashSet<>(lostAgent == null ? List.of() : roster.participants());
            loaded.remove(lostAgent);
            try {
                last = restoreAll(last, loaded, joined);
            } catch (AgentLostException again) {
                count(again);
                lostAgent = again.agent;
                cause = again.cause;
                continue;
            }
            int resumeAt = last == null ? 0 : last.superstep() + 1;
            long recoveryMs = Duration.between(t0, clock.instant()).toMillis();
            log.info("event=job_recovered job={} epoch={} resume_superstep={} agents={} recovery_ms={} recovery_source={}",
                    jobId, roster.epoch(), resumeAt, roster.participants().size(), recoveryMs, source);
            for (JobListener listener : listeners) {
                listener.recovered(jobId, resumeAt, Math.max(0, reached - resumeAt), recoveryMs);
            }
            board.setState(JobState.RUNNING, "running " + job.describe() + " (resumed at superstep " + resumeAt
                    + (joined ? " on " + roster.participants().size() + " agents, after agents joined"
                    : lostAgent == null ? " after the coordinator restarted" : " after losing " + lostAgent)
                    + (source == Source.STRUCTURE ? "; partitions rebuilt from their structure files)" : ")"));
            return resumeAt;
        }
    }

    /** The pause before attempt {@code attempt} (2 and on) of one rollback: 500 ms, doubling, at most 8 s. */
    static Duration retryPause(int attempt) {
        return Duration.ofMillis(500L << Math.min(4, Math.max(0, attempt - 2)));
    }

    /** Where the last recovery's shares came from: the structure files, or the input loaded again. */
    enum Source {
        STRUCTURE, RELOAD;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The last rollback's source of shares; set by {@link #restoreAll}. */
    private Source source = Source.RELOAD;

    /**
     * Places the partitions over the ALIVE agents, has every one build its share (from the
     * structure files when it can, else by loading the input again), and every one restore
     * {@code last} (or start from scratch). Returns the checkpoint restored: {@code last}, or
     * null when no live agent held some file of it.
     */
    private CheckpointState restoreAll(CheckpointState last, Set<String> loaded, boolean redeal) throws JobFailedException {
        List<AgentView> alive = agents.enough();
        Placement placement = loader.place(alive, board.partitions(), roster.placement(), redeal);
        source = rebuild(placement) ? Source.STRUCTURE : Source.RELOAD;
        if (source == Source.RELOAD) {
            loader.load(placement, loaded);
        }
        Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
        Map<String, Map<Integer, String>> fetches = last == null || last.holders() == null ? Map.of()
                : fetchPlan(last, byAgent);
        if (fetches == null) {
            // Every holder of some file is lost: that checkpoint is gone; start again from superstep 0.
            checkpoints.forget();
            last = null;
            fetches = Map.of();
        }
        for (String agent : roster.participants()) {
            Restore.Builder restore = Restore.newBuilder().addAllPartitionIds(byAgent.get(agent))
                    .setPartitionMap(placement.toProto());
            if (last == null) {
                restore.setFromScratch(true);
            } else {
                restore.setSuperstep(last.superstep()).setDirectory(last.directory())
                        .setPull(last.delivery().pull()).setPullFromAll(last.delivery().pullFromAll())
                        .putAllReplicaAddresses(fetches.getOrDefault(agent, Map.of()));
            }
            sender.send(agent, Command.newBuilder().setRestore(restore));
        }
        collector.await(Report.KindCase.RESTORE_DONE, -1);
        checkpoints.fetched(fetches);
        return last;
    }

    /**
     * Has the agents build their shares of {@code placement} from the partitions' structure
     * files; false (one line logged saying why) when there are none to use or some agent could
     * not, and the input is to be loaded again.
     */
    private boolean rebuild(Placement placement) throws JobFailedException {
        CheckpointCoordinator.StructureFiles files = checkpoints.structure(why ->
                log.info("event=structure_unused job={} policy=reload reason=\"{}\"", jobId, why));
        if (files == null) {
            return false;
        }
        Map<String, Map<Integer, String>> fetches = new TreeMap<>();
        if (files.holders() != null) {
            Map<String, String> live = new TreeMap<>();
            placement.agents().forEach(a -> live.put(a.agentId(), a.dataAddress()));
            Map<String, List<Integer>> byAgent = placement.partitionsByAgent();
            for (Map.Entry<String, List<Integer>> e : byAgent.entrySet()) {
                try {
                    fetches.put(e.getKey(), files.holders().sources(e.getKey(), e.getValue(), live));
                } catch (CheckpointHolders.LostCheckpointException x) {
                    log.info("event=structure_unused job={} policy=reload reason=\"every holder of the structure file of"
                            + " partition {} is lost\"", jobId, x.partition);
                    return false;
                }
            }
        }
        if (!loader.rebuild(placement, files.directory(), fetches)) {
            return false;
        }
        checkpoints.structureFetched(fetches);
        return true;
    }

    /**
     * Which files each participant fetches from whom to restore {@code last} (peer copies):
     * its own partitions, and every partition when the next superstep pulls broadcasts, minus
     * what it holds. Null when no live agent holds some file (logged).
     */
    private Map<String, Map<Integer, String>> fetchPlan(CheckpointState last, Map<String, List<Integer>> byAgent) {
        Map<String, String> live = roster.dataAddresses();
        List<Integer> all = IntStream.range(0, roster.placement().partitions()).boxed().toList();
        Map<String, Map<Integer, String>> plan = new TreeMap<>();
        for (String agent : roster.participants()) {
            try {
                Map<Integer, String> sources = last.holders().sources(agent,
                        last.delivery().pull() ? all : byAgent.get(agent), live);
                plan.put(agent, sources);
                if (!sources.isEmpty()) {
                    log.info("event=checkpoint_fetch_planned job={} superstep={} agent={} partitions={}", jobId,
                            last.superstep(), agent, sources.keySet());
                }
            } catch (CheckpointHolders.LostCheckpointException e) {
                log.warn("event=checkpoint_lost cause=holders_lost job={} superstep={} partition={} policy=restart_from_scratch"
                        + " detail=\"{}\"", jobId, last.superstep(), e.partition, e.getMessage());
                return null;
            }
        }
        return plan;
    }
}
