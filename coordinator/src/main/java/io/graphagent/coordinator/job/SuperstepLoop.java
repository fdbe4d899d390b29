package io.graphagent.coordinator.job;

import io.graphagent.graph.pregel.Aggregators;
import io.graphagent.graph.pregel.Delivery;
import io.graphagent.graph.pregel.SuperstepStats;
import io.graphagent.api.MasterCompute;
import io.graphagent.api.ProgramShape;
import io.graphagent.api.VertexProgram;
import io.graphagent.protocol.ProtocolVersion;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The superstep loop of a job on the cluster, with its two barriers: {@code StartSuperstep}
 * until every agent reported {@code SuperstepDone}; then, from the summed statistics and the
 * aggregator partials folded in partition order, the coordinator decides what the
 * single-process engine decides ({@link Delivery}, master compute, halting) and sends
 * {@code Exchange} until every agent reported {@code ExchangeDone}. When the
 * {@link CheckpointSchedule} says so it has the {@link CheckpointCoordinator} order a
 * checkpoint, which completes while the next supersteps run. Driver thread only.
 */
final class SuperstepLoop {
    private static final Logger log = LoggerFactory.getLogger(SuperstepLoop.class);
    /**
     * Least time between two INFO progress lines of a job: one line per superstep at INFO made
     * 16.8k lines for one CDLP job, so each superstep is logged at DEBUG on {@code graphagent.timing}
     * and a progress line at INFO comes after the first superstep and then at most this often.
     */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    /** One line per superstep and its barrier timings, at DEBUG (as the agents' superstep_timing lines). */
    private static final Logger timing = LoggerFactory.getLogger("graphagent.timing");

    private final String jobId;
    private final CheckpointSchedule schedule;
    private final ProgramShape shape;
    /** Supersteps the job runs at most (the program's cap unless {@link #capAt} lowered it). */
    private int cap;
    private final MasterCompute master;
    private final Roster roster;
    private final CommandSender sender;
    private final ReportCollector collector;
    private final CheckpointCoordinator checkpoints;
    private final StatusBoard board;
    private final Clock clock;
    private final List<JobListener> listeners;
    private final Aggregators aggregators;
    private final double[] initialAggregates;
    private final int partitions;
    /** Whether ALIVE agents wait outside the job and the job takes them in (job.rebalance: on-join). */
    private java.util.function.BooleanSupplier newcomers = () -> false;
    /** Id blocks of the graph: aggregator partials come per block. */
    private int blocks;
    /** Edge slots of the whole graph (the delivery is decided on them; told to the agents in each start). */
    private long edgeSlots;
    /** The superstep begun last. */
    private int step;
    private long messages;
    private long bytes;
    /** When the last INFO progress line was written; null before the first. */
    private Instant progressLogged;

    /**
     * @param program    the job's configured program: its shape (aggregators, superstep cap) and master compute
     * @param partitions partitions of the job (aggregator partials are folded over them)
     */
    SuperstepLoop(String jobId, int checkpointEvery, VertexProgram program, int partitions, Roster roster,
                  CommandSender sender, ReportCollector collector, CheckpointCoordinator checkpoints, StatusBoard board,
                  Clock clock, List<JobListener> listeners) {
        this.jobId = jobId;
        this.schedule = new CheckpointSchedule(checkpointEvery);
        this.shape = program.shape();
        this.cap = shape.maxSupersteps();
        this.master = program.master();
        this.partitions = partitions;
        this.roster = roster;
        this.sender = sender;
        this.collector = collector;
        this.checkpoints = checkpoints;
        this.board = board;
        this.clock = clock;
        this.listeners = listeners;
        this.aggregators = new Aggregators(shape.aggregators());
        this.initialAggregates = aggregators.values().clone();
    }

    /** Runs at most {@code supersteps} supersteps (numbered 0 .. supersteps-1). */
    void capAt(int supersteps) {
        cap = supersteps;
    }

    /** Asked after each complete checkpoint: true stops the loop with {@link RebalanceDue}. */
    void rebalanceWhen(java.util.function.BooleanSupplier newcomers) {
        this.newcomers = newcomers;
    }

    /** The superstep begun last (where a recovery finds the job). */
    int step() {
        return step;
    }

    /** Messages sent in all supersteps so far, supersteps done again after a recovery included. */
    long messages() {
        return messages;
    }

    /** Data-plane bytes of all exchanges so far. */
    long bytes() {
        return bytes;
    }

    /**
     * Goes on at superstep {@code resumeAt} after a rollback to {@code restored} (null: from
     * the start): the aggregator values are those of the checkpoint, or the initial ones.
     */
    void rewind(int resumeAt, CheckpointState restored) {
        double[] values = restored == null ? initialAggregates : restored.aggregates();
        System.arraycopy(values, 0, aggregators.values(), 0, values.length);
        step = resumeAt;
    }

    /**
     * Runs supersteps from {@link #step()} until no vertex is active and no message is in
     * flight, master compute halts, or the kernel's cap.
     *
     * @param graph a LoadDone of the job: the graph's edge slots and vertices with out-edges
     */
    void run(LoadDone graph) throws JobFailedException {
        this.blocks = graph.getIdBlocks();
        this.edgeSlots = graph.getEdgeSlots();
        boolean halted = false;
        // True when the previous Exchange carried this step's start (then_start).
        boolean started = false;
        while (step < cap && !halted) {
            Instant stepStart = clock.instant();
            if (!started) {
                sender.broadcast(Command.newBuilder().setStartSuperstep(start(step)));
            }
            Map<String, Report> computed = collector.await(Report.KindCase.SUPERSTEP_DONE, step);
            Instant computedAt = clock.instant();
            SuperstepStats stats = fold(computed);
            Delivery delivery = Delivery.decide(stats, graph.getEdgeSlots(), graph.getVerticesWithOutEdges());
            // What follows the exchange is known now: halt, checkpoint, or the next step.
            int next = step + 1;
            boolean haltNext = delivery.quiescent(stats) || aggregators.runMaster(master, next, stats.stillActive());
            boolean checkpointNext = schedule.dueBefore(next, cap, haltNext);
            started = !haltNext && !checkpointNext && next < cap
                    && roster.allSpeak(ProtocolVersion.EXCHANGE_THEN_START);
            Exchange.Builder exchange = Exchange.newBuilder().setSuperstep(step)
                    .setPushBroadcasts(delivery.pushBroadcasts(stats)).setPull(delivery.pull())
                    .setPullFromAll(delivery.pullFromAll())
                    .setCompactBroadcasts(roster.allSpeak(ProtocolVersion.COMPACT_BROADCASTS))
                    .setEarlyBroadcasts(roster.allSpeak(ProtocolVersion.EARLY_BROADCASTS))
                    .setMirroredBroadcasts(roster.allSpeak(ProtocolVersion.MIRRORED_BROADCASTS));
            if (started) {
                exchange.setThenStart(start(next));
            }
            sender.broadcast(Command.newBuilder().setExchange(exchange));
            Instant exchangeSent = clock.instant();
            Map<String, Report> exchanged = collector.await(Report.KindCase.EXCHANGE_DONE, step);
            if (timing.isDebugEnabled()) {
                logBarriers(stepStart, computedAt, exchangeSent, computed, exchanged);
            }
            done(stats, delivery, exchanged, Duration.between(stepStart, clock.instant()).toMillis());
            step = next;
            halted = haltNext;
            if (checkpointNext) {
                // Returns once the commands are out: the writers answer while the next supersteps run.
                checkpoints.order(step - 1, aggregators.values(), delivery);
                if (!halted && newcomers.getAsBoolean()) {
                    // A rebalance goes on from this checkpoint: it has to be complete first.
                    checkpoints.settle();
                    CheckpointState last = checkpoints.last();
                    if (last != null && last.superstep() == step - 1) {
                        throw new RebalanceDue(step - 1);
                    }
                }
            }
        }
    }

    /**
     * Sums the agents' statistics and folds their aggregator partials in id-block order (as the
     * single-process engine does, so the bits do not depend on the partitions).
     */
    private SuperstepStats fold(Map<String, Report> computed) throws JobFailedException {
        io.graphagent.api.Aggregator[] aggregatorOps = shape.aggregators();
        int aggregatorCount = aggregatorOps.length;
        SuperstepStats stats = SuperstepStats.ZERO;
        double[] partials = new double[Math.max(1, blocks) * aggregatorCount];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < aggregatorCount; i++) {
                partials[b * aggregatorCount + i] = aggregatorOps[i].op().identity();
            }
        }
        for (Report r : computed.values()) {
            SuperstepDone d = r.getSuperstepDone();
            stats = stats.plus(new SuperstepStats(d.getComputedVertices(), d.getActiveVertices(), d.getMessagesSent(),
                    d.getBroadcastEdges(), d.getBroadcastersWithOutEdges()));
            for (PartitionAggregates pa : d.getPartialsList()) {
                int at = pa.getFirstBlock() * aggregatorCount;
                if (at + pa.getValuesCount() > partials.length) {
                    throw new JobFailedException("bad_report", "aggregator partials of partition " + pa.getPartitionId()
                            + " reach past the graph's " + blocks + " id blocks");
                }
                for (int k = 0; k < pa.getValuesCount(); k++) {
                    partials[at + k] = pa.getValues(k);
                }
            }
        }
        aggregators.reduce(blocks, (b, i) -> partials[b * aggregatorCount + i]);
        return stats;
    }

    /** Superstep {@link #step} passed both barriers: counted, published, logged. */
    private void done(SuperstepStats stats, Delivery delivery, Map<String, Report> exchanged, long stepMs) {
        long stepBytes = exchanged.values().stream().mapToLong(r -> r.getExchangeDone().getBytesSent()).sum();
        messages += stats.sent();
        bytes += stepBytes;
        board.superstep(step);
        board.publishStep(stats.stillActive(), stats.sent(), stepBytes, stepMs);
        for (JobListener listener : listeners) {
            listener.superstepDone(jobId, step, stepMs, stats.sent(), stepBytes);
        }
        timing.debug("event=superstep_done job={} superstep={} computed={} active={} messages={} bytes={} pull={} step_ms={}",
                jobId, step, stats.computed(), stats.stillActive(), stats.sent(), stepBytes, delivery.pull(), stepMs);
        Instant now = clock.instant();
        if (progressLogged == null || !now.isBefore(progressLogged.plus(PROGRESS_EVERY))) {
            progressLogged = now;
            log.info("event=job_progress job={} superstep={} max_supersteps={} active={} messages={} bytes={}"
                    + " recoveries={} elapsed_ms={}", jobId, step, cap == Integer.MAX_VALUE ? 0
                    : cap, stats.stillActive(), stats.sent(), stepBytes, board.recoveries(),
                    board.elapsedMs());
        }
    }

    private StartSuperstep.Builder start(int superstep) {
        StartSuperstep.Builder start = StartSuperstep.newBuilder().setSuperstep(superstep);
        if (roster.allSpeak(ProtocolVersion.EARLY_CLOSE)) {
            // Then every peer parks a later superstep's batches until its own exchange ended.
            start.setGraphEdgeSlots(edgeSlots);
        }
        for (double v : aggregators.values()) {
            start.addAggregateValues(v);
        }
        return start;
    }

    /**
     * One line per superstep on {@code graphagent.timing} at DEBUG: each barrier's wall time
     * (command sent to the last report in) beside the slowest agent's own time for the phase;
     * the difference is what the round trip and the barrier cost.
     */
    private void logBarriers(Instant stepStart, Instant computedAt, Instant exchangeSent, Map<String, Report> computed,
                             Map<String, Report> exchanged) {
        Instant now = clock.instant();
        long computeMax = computed.values().stream().mapToLong(r -> r.getSuperstepDone().getComputeTimeMs()).max().orElse(0);
        long exchangeMax = exchanged.values().stream().mapToLong(r -> r.getExchangeDone().getExchangeTimeMs()).max().orElse(0);
        timing.debug("event=superstep_barrier job={} superstep={} compute_phase_ms={} agent_compute_max_ms={} decide_ms={}"
                        + " exchange_phase_ms={} agent_exchange_max_ms={} step_ms={}", jobId, step,
                ms(stepStart, computedAt), computeMax, ms(computedAt, exchangeSent), ms(exchangeSent, now), exchangeMax,
                ms(stepStart, now));
    }

    private static String ms(Instant from, Instant to) {
        return String.format(Locale.ROOT, "%.1f", Duration.between(from, to).toNanos() / 1e6);
    }
}
