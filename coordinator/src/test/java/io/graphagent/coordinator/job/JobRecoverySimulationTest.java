package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.graphagent.config.CheckpointStorage;
import io.graphagent.config.JobConfig;
import io.graphagent.config.JobPaths;
import io.graphagent.config.Profile;
import io.graphagent.config.SessionConfig;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.graph.kernels.Algorithm;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.graph.kernels.Kernels;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.JobState;
import io.graphagent.protocol.v1.JobStatus;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.Restore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A seeded, single-threaded simulation of job recovery, in the manner of Kafka's
 * RaftEventSimulationTest: the real job layer ({@link JobRun} and its parts) and the real
 * {@link Membership} run one job on fake time with scripted agents ({@link SimAgent}) over a
 * fake network ({@link SimNetwork}) that delays, holds (cuts an agent off), resets streams, and
 * whose agents crash and restart. The job waits only through its {@link Inbox}; here polling
 * it runs the simulated world ({@link SimInbox}), so everything happens on this thread in an
 * order the seed fixes.
 *
 * <p>Checked after every step: no report of another job epoch, or of a session epoch other than
 * the agent's current one, is taken by the job; every Restore names the last checkpoint whose
 * writers' CheckpointDones (written beside the next supersteps) the job took in one job epoch; no partition is held by two agents in the same
 * job epoch; agents ALIVE in membership are exactly those it lists; the job's states follow
 * each other legally. At the end: the job SUCCEEDED with exactly the output of the same fold run
 * in one place ({@link SimFold}), or FAILED with a cause (never an internal error or a phase
 * timeout), and it never hung. A failure prints its seed and the last events; run one seed with
 * {@code -Djobsim.seed=N}, more seeds with {@code -Djobsim.seeds=N}; {@code -Djobsim.debug} prints
 * each seed's outcome and faults, {@code -Djobsim.trace} its last events.
 */
class JobRecoverySimulationTest {
    private static final SessionConfig TIMING = Profile.TEST.defaults().session();
    private static final int DEFAULT_SEEDS = 60;

    private static final Map<JobState, Set<JobState>> LEGAL = Map.of(
            JobState.QUEUED, EnumSet.of(JobState.LOADING, JobState.FAILED),
            JobState.LOADING, EnumSet.of(JobState.RUNNING, JobState.FAILED),
            JobState.RUNNING, EnumSet.of(JobState.RECOVERING, JobState.WRITING_OUTPUT, JobState.FAILED),
            JobState.RECOVERING, EnumSet.of(JobState.RECOVERING, JobState.RUNNING, JobState.FAILED),
            JobState.WRITING_OUTPUT, EnumSet.of(JobState.RECOVERING, JobState.SUCCEEDED, JobState.FAILED));

    @TempDir
    Path dir;

    @Test
    void everyJobEndsExactOrFailedWithACauseUnderRandomFaults() throws Exception {
        Files.writeString(dir.resolve("g.e"), "1 2\n2 3\n");
        long[] seeds = Long.getLong("jobsim.seed") != null ? new long[] {Long.getLong("jobsim.seed")}
                : LongStream.rangeClosed(1, Integer.getInteger("jobsim.seeds", DEFAULT_SEEDS)).toArray();
        Map<String, Integer> outcomes = new TreeMap<>();
        long recoveries = 0;
        int crashesMidWrite = 0;
        try (Quiet quiet = new Quiet()) {
            for (long seed : seeds) {
                Simulation sim = new Simulation(seed);
                JobStatus end = sim.run();
                assertThat(sim.violations).as("seed %d (replay with -Djobsim.seed=%d), after step %d; last events:%n%s",
                        seed, seed, sim.world.steps(), sim.world.trace()).isEmpty();
                outcomes.merge(end.getState() == JobState.SUCCEEDED ? "exact" : "failed: " + cause(end.getMessage()), 1,
                        Integer::sum);
                recoveries += end.getRecoveries();
                crashesMidWrite += sim.agents.stream().mapToInt(a -> a.crashesMidWrite).sum();
                if (System.getProperty("jobsim.trace") != null) {
                    System.out.println(sim.world.trace());
                }
                if (System.getProperty("jobsim.debug") != null || end.getState() != JobState.SUCCEEDED) {
                    System.out.printf("seed %d: %s after %d ms, %d recoveries, %d steps; faults: %s%n", seed,
                            end.getMessage(), sim.world.elapsed().toMillis(), end.getRecoveries(), sim.world.steps(), sim.faults);
                }
            }
        }
        System.out.printf("job simulation: %d seeds, %s, %d recoveries, %d crashes during a checkpoint write%n",
                seeds.length, outcomes, recoveries, crashesMidWrite);
        if (seeds.length == DEFAULT_SEEDS) {
            assertThat(outcomes.get("exact")).as("most jobs survive their faults").isGreaterThan(seeds.length / 2);
            assertThat(recoveries).as("the faults hit the jobs").isGreaterThan(seeds.length / 4);
            assertThat(crashesMidWrite).as("some crashes hit a checkpoint being written").isPositive();
        }
    }

    @Test
    void aSeedReplaysExactly() throws Exception {
        Files.writeString(dir.resolve("g.e"), "1 2\n2 3\n");
        try (Quiet quiet = new Quiet()) {
            Simulation first = new Simulation(46);
            JobStatus end = first.run();
            Files.deleteIfExists(first.output); // an output is never replaced without --overwrite
            Simulation again = new Simulation(46);
            again.run();

            assertThat(end.getRecoveries()).as("seed 46 has faults that cost recoveries").isPositive();
            assertThat(again.world.steps()).isEqualTo(first.world.steps());
            assertThat(again.world.trace().replace("out-46", "")).isEqualTo(first.world.trace().replace("out-46", ""));
        }
    }

    private static String cause(String message) {
        int colon = message.indexOf(':');
        return colon < 0 ? message : message.substring(0, colon);
    }

    /** One seed's world: membership, network, agents, one job. */
    private final class Simulation {
        final long seed;
        final SimWorld world;
        final Membership membership;
        final SimNetwork network;
        final List<SimAgent> agents = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final int partitions;
        final int iterations;
        final JobRun run;
        final Path output;
        JobState state = JobState.QUEUED;
        /** The partitions of each checkpoint (job epoch, superstep) whose writers' CheckpointDone the job took. */
        final Map<Map.Entry<Long, Integer>, Set<Integer>> written = new HashMap<>();
        /** The superstep of the last checkpoint the job took every partition's CheckpointDone of, in one job epoch; -1 for none. */
        int lastComplete = -1;
        final List<String> faults = new ArrayList<>();
        /** The shared checkpoint directory of the agents: file name to {value, delivered}. */
        final Map<String, long[]> disk = new HashMap<>();

        Simulation(long seed) {
            this.seed = seed;
            this.world = new SimWorld(seed, Duration.ofMinutes(20));
            this.membership = new Membership(TIMING, world.clock, new CauseCounter());
            this.network = new SimNetwork(world, membership);
            int agentCount = 2 + world.random.nextInt(3);
            partitions = agentCount + world.random.nextInt(6);
            iterations = 4 + world.random.nextInt(24);
            int checkpointEvery = world.random.nextInt(4);
            for (int i = 1; i <= agentCount; i++) {
                agents.add(new SimAgent("agent-" + i, world, network, disk, TIMING.leaseTtl(), TIMING.heartbeatInterval()));
            }
            output = dir.resolve("out-" + seed + ".txt");
            JobConfig config = new JobConfig(checkpointEvery, dir.resolve("cp-" + seed), CheckpointStorage.SHARED, 2, 1,
                    Duration.ofSeconds(10));
            List<FieldError> errors = new ArrayList<>();
            ResolvedJob job = ResolvedJob.resolve(JobSpec.newBuilder().setAlgorithm(io.graphagent.protocol.v1.Algorithm.PAGERANK)
                    .setGraph(dir.resolve("g.e").toString()).setDirected(true).setIterations(iterations)
                    .setPartitions(partitions).setCheckpointEvery(checkpointEvery).setOutputPath(output.toString()).build(),
                    checkpointEvery, JobPaths.of(TestConfigs.withJob(j -> config)), errors);
            assertThat(errors).isEmpty();
            JobListener states = new JobListener() {
                @Override
                public void stateChanged(String id, JobState next, String detail) {
                    check(LEGAL.getOrDefault(state, Set.of()).contains(next), "job state " + state + " -> " + next);
                    check(!detail.isBlank(), "state " + next + " without a status line");
                    world.remember("JOB " + next + ": " + detail);
                    state = next;
                }
            };
            run = new JobRun("job-1", job, membership, config, TIMING.leaseTtl(), world.clock, new AtomicLong(),
                    List.of(states), JobJournal.NONE, new SimInbox(world), ResidentCatalog.NONE);
            run.observeReports(this::accepted);
            agents.forEach(a -> a.observeCommands(this::restoreNamesLastComplete));
            membership.setReportSink(run::report);
            membership.addListener((agent, from, to, cause) -> {
                world.remember(agent + " " + from + " -> " + to + " (" + cause + ")");
                run.agentChanged(agent, to, cause);
            });
            world.checkAfterEachStep(this::invariants);
        }

        JobStatus run() throws Exception {
            tick();
            agents.forEach(SimAgent::start);
            // The job is submitted once every agent is ALIVE, so that it is placed on all of them.
            while (membership.alive().size() < agents.size()) {
                world.stepBefore(world.now().plus(Duration.ofSeconds(1)));
            }
            int faults = world.random.nextInt(5);
            for (int i = 0; i < faults; i++) {
                fault(world.millis(10, 800));
            }
            run.run();
            JobStatus end = run.status();
            if (world.stopped() != null && violations.isEmpty()) {
                violations.add(world.stopped());
            }
            if (end.getState() == JobState.SUCCEEDED) {
                int supersteps = Kernels.programShape(Algorithm.PAGERANK,
                        new io.graphagent.graph.kernels.KernelParameters(0, iterations, 0.85)).shape().maxSupersteps();
                check(Files.readString(output).equals(SimFold.expectedOutput(partitions, supersteps)),
                        "the output differs from the fold run in one place");
            } else {
                check(end.getState() == JobState.FAILED, "the job ended " + end.getState());
                check(!end.getMessage().isBlank(), "the job failed without a cause");
                check(!end.getMessage().startsWith("internal error"), "internal error: " + end.getMessage());
                check(!end.getMessage().contains(" min"), "a phase timed out (a hang): " + end.getMessage());
            }
            return end;
        }

        /** The failure detector of the coordinator: membership ticks every 60 ms. */
        void tick() {
            world.after(Duration.ofMillis(60), "membership tick", () -> {
                membership.tick();
                tick();
            });
        }

        /** One random fault at {@code when}: a crash (and usually a restart), a cut, a reset stream, or a slow link. */
        void fault(Duration when) {
            SimAgent agent = agents.get(world.random.nextInt(agents.size()));
            int kind = world.random.nextInt(4);
            Duration length = world.millis(200, 4000);
            String what = List.of("crash", "cut", "reset", "slow").get(kind) + " " + agent.id + " for " + length.toMillis()
                    + " ms at " + when.toMillis() + " ms";
            faults.add(what);
            world.after(when, "FAULT " + what, () -> {
                switch (kind) {
                    case 0 -> {
                        agent.crash();
                        if (world.random.nextInt(5) > 0) {
                            world.after(length, "restart " + agent.id, agent::restart);
                        }
                    }
                    case 1 -> network.cut(agent.id, length);
                    case 2 -> agent.dropStream();
                    default -> network.slow(agent.id, length);
                }
            });
        }

        /**
         * A Restore of the job's current epoch names the last checkpoint all of whose partitions'
         * CheckpointDones the job took in one job epoch (from scratch when there is none), and
         * every partition's file of it is on the disk: never a checkpoint still being written.
         */
        void restoreNamesLastComplete(Command c) {
            if (c.getKindCase() != Command.KindCase.RESTORE || !run.epoch().matches(c.getJobEpoch())) {
                return;
            }
            Restore r = c.getRestore();
            check(r.getFromScratch() ? lastComplete < 0 : r.getSuperstep() == lastComplete, "a Restore names "
                    + (r.getFromScratch() ? "no checkpoint" : "superstep " + r.getSuperstep())
                    + " while the last complete checkpoint is of superstep " + lastComplete);
            if (!r.getFromScratch()) {
                for (int p = 0; p < partitions; p++) {
                    check(disk.containsKey(r.getDirectory() + "/" + p), "a Restore names " + r.getDirectory()
                            + ", which lacks partition " + p + "'s file");
                }
            }
        }

        /** A report the job took: it must be of the job's epoch and of the agent's current session. */
        void accepted(String agent, Report report, JobEpoch jobEpoch) {
            if (report.hasCheckpointDone()) {
                Set<Integer> covered = written.computeIfAbsent(Map.entry(report.getJobEpoch(),
                        report.getCheckpointDone().getSuperstep()), k -> new TreeSet<>());
                // Taken in the report's job epoch: the partitions the agent was dealt in it.
                covered.addAll(run.partitionsByAgent().getOrDefault(agent, List.of()));
                if (covered.size() == partitions) {
                    lastComplete = report.getCheckpointDone().getSuperstep();
                }
            }
            check(jobEpoch.matches(report.getJobEpoch()), agent + "'s " + report.getKindCase() + " of job epoch "
                    + report.getJobEpoch() + " taken in job epoch " + jobEpoch);
            long session = membership.statuses().stream().filter(s -> s.getAgentId().equals(agent))
                    .mapToLong(AgentStatus::getEpoch).findFirst().orElse(-1);
            check(report.getSessionEpoch() == session, agent + "'s " + report.getKindCase() + " of session epoch "
                    + report.getSessionEpoch() + " taken while its session is of epoch " + session);
        }

        void invariants() {
            Map<Long, Map<Integer, String>> holders = new HashMap<>();
            for (SimAgent agent : agents) {
                Map.Entry<Long, TreeSet<Integer>> held = agent.holding("job-1");
                if (held == null) {
                    continue;
                }
                Map<Integer, String> inEpoch = holders.computeIfAbsent(held.getKey(), e -> new HashMap<>());
                for (int p : held.getValue()) {
                    String other = inEpoch.put(p, agent.id);
                    check(other == null, "partition " + p + " held by " + other + " and " + agent.id + " in job epoch "
                            + held.getKey());
                }
            }
            List<String> alive = membership.alive().stream().map(AgentView::agentId).toList();
            for (SimAgent agent : agents) {
                check(alive.contains(agent.id) == (membership.state(agent.id) == AgentState.ALIVE),
                        agent.id + " is " + membership.state(agent.id) + " but alive() says " + alive);
            }
        }

        void check(boolean condition, String violation) {
            if (!condition) {
                violations.add(violation);
                world.stop(violation);
            }
        }
    }

    /** Keeps the job layer's and membership's logs out of the test output while seeds run. */
    private static final class Quiet implements AutoCloseable {
        private final Map<Logger, Level> saved = new HashMap<>();

        Quiet() {
            for (String name : List.of("io.graphagent", "graphagent.timing")) {
                Logger logger = (Logger) LoggerFactory.getLogger(name);
                saved.put(logger, logger.getLevel());
                logger.setLevel(Level.OFF);
            }
        }

        @Override
        public void close() {
            saved.forEach(Logger::setLevel);
        }
    }
}
