package io.graphagent.coordinator.job;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.protocol.v1.CheckpointDone;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.CoordinatorMessage;
import io.graphagent.protocol.v1.Exchange;
import io.graphagent.protocol.v1.ExchangeDone;
import io.graphagent.protocol.v1.Failure;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.Heartbeat;
import io.graphagent.protocol.v1.HeldPartitions;
import io.graphagent.protocol.v1.Hello;
import io.graphagent.protocol.v1.OutputChunk;
import io.graphagent.protocol.v1.OutputDone;
import io.graphagent.protocol.v1.PartitionAggregates;
import io.graphagent.protocol.v1.PartitionMap;
import io.graphagent.protocol.v1.PartitionOwner;
import io.graphagent.protocol.v1.Report;
import io.graphagent.protocol.v1.RestoreDone;
import io.graphagent.protocol.v1.StartSuperstep;
import io.graphagent.protocol.v1.SuperstepDone;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One scripted agent process of the job simulation: the session client's behaviour (Hello with
 * the saved session id, heartbeats, giving up a session whose acks stopped for a lease, reconnect
 * with full-jitter backoff, Fenced) and the job protocol (LoadPartitions, StartSuperstep,
 * Exchange with then_start over a simulated data plane, Checkpoint to a shared disk (written
 * beside the next supersteps, as the agent's checkpoint writer does), Restore,
 * WriteOutput, Abort, Release; a command seen again answered from the reply log), computing
 * {@link SimFold}. A crash loses everything but the session id file and the shared disk.
 */
final class SimAgent {
    /** One data-plane batch: the messages of one superstep from one agent to another. */
    record Batch(String job, long epoch, int step, String from, Map<Integer, Long> messages) {
        @Override
        public String toString() {
            return job + "/e" + epoch + "/s" + step + " from " + from;
        }
    }

    /** One job on this agent: its epoch, partitions and their values. */
    private static final class Job {
        final String id;
        long epoch;
        int partitions;
        TreeSet<Integer> owned = new TreeSet<>();
        Map<Integer, String> owners = new TreeMap<>();
        Map<Integer, Long> values = new TreeMap<>();
        /** Messages delivered for the next superstep, by partition. */
        Map<Integer, Long> delivered = new TreeMap<>();
        /** Messages of the superstep computed last, by target partition. */
        Map<Integer, Long> outbox = new TreeMap<>();
        int exchanging = -1;
        Command exchange;

        Job(String id) {
            this.id = id;
        }

        void place(long jobEpoch, int count, List<Integer> ids, PartitionMap map) {
            epoch = jobEpoch;
            partitions = count;
            owned = new TreeSet<>(ids);
            owners = new TreeMap<>();
            for (PartitionOwner o : map.getOwnersList()) {
                owners.put(o.getPartitionId(), o.getAgentId());
            }
            exchanging = -1;
            exchange = null;
            outbox = new TreeMap<>();
        }

        TreeSet<String> peers(String self) {
            TreeSet<String> peers = new TreeSet<>(owners.values());
            peers.remove(self);
            return peers;
        }
    }

    final String id;
    private final SimWorld world;
    private final SimNetwork network;
    /** The shared checkpoint directory: file name to {value, delivered}. Survives every crash. */
    private final Map<String, long[]> disk;
    private final Duration leaseTtl;
    private final Duration heartbeatEvery;

    private boolean up = true;
    private int incarnation;
    /** The session id file in the agent's work directory: survives a crash. */
    private String savedSessionId = "";
    private SimNetwork.Stream stream;
    private boolean connected;
    private long sessionEpoch;
    private Instant lastAck;
    private long seq;
    private int attempts;
    private int dials;
    private Instant busyUntil;
    /** When the checkpoint write in flight ends (its report sent); null or past when none is. */
    private Instant writeUntil;
    /** Crashes that came while a checkpoint was being written (the simulation's coverage). */
    int crashesMidWrite;
    /** Sees every command this agent runs (not one sent again), as it arrives. */
    private java.util.function.Consumer<Command> commands = c -> { };

    private Job job;
    private final Map<Long, List<Report>> replies = new HashMap<>();
    private final List<Report> outbox = new ArrayList<>();
    private final List<Batch> batches = new ArrayList<>();

    SimAgent(String id, SimWorld world, SimNetwork network, Map<String, long[]> disk, Duration leaseTtl,
             Duration heartbeatEvery) {
        this.id = id;
        this.world = world;
        this.network = network;
        this.disk = disk;
        this.leaseTtl = leaseTtl;
        this.heartbeatEvery = heartbeatEvery;
        network.attach(this);
    }

    /** Shows {@code observer} every command this agent runs, as it arrives (the simulation's checks). */
    void observeCommands(java.util.function.Consumer<Command> observer) {
        commands = observer;
    }

    boolean up() {
        return up;
    }

    int incarnation() {
        return incarnation;
    }

    /** The job epoch and partitions this agent holds for {@code jobId}; null for none. */
    Map.Entry<Long, TreeSet<Integer>> holding(String jobId) {
        return up && job != null && job.id.equals(jobId) ? Map.entry(job.epoch, job.owned) : null;
    }

    /** Starts the process: its heartbeat timer and a first dial. */
    void start() {
        int life = incarnation;
        world.after(world.millis(0, 50), id + " starts", () -> {
            if (up && incarnation == life) {
                dial();
            }
        });
        heartbeatTimer(life);
    }

    /** The process dies: all but the session id file is lost; the stream is reset from this side. */
    void crash() {
        if (!up) {
            return;
        }
        boolean midWrite = writeUntil != null && writeUntil.isAfter(world.now());
        world.remember(id + " CRASHES" + (midWrite ? " while writing a checkpoint" : ""));
        if (midWrite) {
            crashesMidWrite++;
        }
        up = false;
        if (stream != null) {
            stream.agentEnded(DisconnectCause.STREAM_BROKEN);
        }
        incarnation++;
        stream = null;
        connected = false;
        job = null;
        replies.clear();
        outbox.clear();
        batches.clear();
        busyUntil = null;
        writeUntil = null;
    }

    /** A new process, with the session id file of the last one. */
    void restart() {
        if (up) {
            return;
        }
        world.remember(id + " RESTARTS");
        up = true;
        attempts = 0;
        start();
    }

    /** The network resets this agent's stream. */
    void dropStream() {
        if (stream != null) {
            stream.reset();
        }
    }

    // ---- session ------------------------------------------------------------------------

    private void heartbeatTimer(int life) {
        world.after(heartbeatEvery, id + " heartbeat timer", () -> {
            if (!up || incarnation != life) {
                return;
            }
            if (connected) {
                if (Duration.between(lastAck, world.now()).compareTo(leaseTtl) > 0) {
                    // No ack for a lease: the session is lost from here; try to resume it on a new stream.
                    world.remember(id + " gives up its stream (no ack for a lease)");
                    SimNetwork.Stream old = stream;
                    connected = false;
                    stream = null;
                    old.agentEnded(DisconnectCause.DEADLINE_EXCEEDED);
                    redial();
                } else {
                    stream.fromAgent("Heartbeat", Heartbeat.newBuilder().setSeq(++seq).setSessionEpoch(sessionEpoch).build(), null);
                }
            }
            heartbeatTimer(life);
        });
    }

    private void dial() {
        SimNetwork.Stream s = network.new Stream(this, incarnation, ++dials);
        stream = s;
        connected = false;
        Hello.Builder hello = Hello.newBuilder().setAgentId(id).setDataAddress(id + ":7500")
                .setResumeSessionId(savedSessionId);
        if (job != null) {
            hello.addHeld(HeldPartitions.newBuilder().setJobId(job.id).addAllPartitionIds(job.owned));
        }
        if (network.isCut(id)) {
            // The connection cannot be opened: the handshake times out.
            world.after(Duration.ofMillis(1500), id + " dial timed out", () -> {
                if (stream == s && !connected) {
                    stream = null;
                    redial();
                }
            });
            return;
        }
        s.hello(hello.build());
    }

    private void redial() {
        int life = incarnation;
        long cap = Math.min(1000, 50L << Math.min(attempts++, 10));
        world.after(Duration.ofMillis(world.random.nextLong(cap + 1)), id + " redials", () -> {
            if (up && incarnation == life && stream == null) {
                dial();
            }
        });
    }

    void welcomed(SimNetwork.Stream s, String sessionId, long epoch, boolean resumed) {
        if (s != stream) {
            return;
        }
        if (!resumed || epoch != sessionEpoch) {
            // A new session: the coordinator forgot the old one, so this agent drops every job.
            dropJobs();
        }
        savedSessionId = sessionId;
        sessionEpoch = epoch;
        connected = true;
        attempts = 0;
        lastAck = world.now();
        stream.fromAgent("Heartbeat", Heartbeat.newBuilder().setSeq(++seq).setSessionEpoch(sessionEpoch).build(), null);
        List<Report> waiting = new ArrayList<>(outbox);
        outbox.clear();
        waiting.forEach(this::send);
    }

    void streamLost(SimNetwork.Stream s) {
        if (s != stream) {
            return;
        }
        connected = false;
        stream = null;
        redial();
    }

    void received(SimNetwork.Stream s, CoordinatorMessage message) {
        if (s != stream) {
            return;
        }
        switch (message.getBodyCase()) {
            case HEARTBEAT_ACK -> lastAck = world.now();
            case FENCED -> {
                savedSessionId = "";
                dropJobs();
            }
            case COMMAND -> command(message.getCommand());
            default -> {
            }
        }
    }

    private void dropJobs() {
        job = null;
        replies.clear();
        outbox.clear();
        batches.clear();
    }

    // ---- job commands ---------------------------------------------------------------------

    private void command(Command c) {
        if (c.getSessionEpoch() != sessionEpoch) {
            return;
        }
        List<Report> sent = replies.get(c.getCommandId());
        if (sent != null) {
            new ArrayList<>(sent).forEach(this::send);
            return;
        }
        replies.put(c.getCommandId(), new ArrayList<>());
        if (job != null && (c.getKindCase() == Command.KindCase.RESTORE || c.getKindCase() == Command.KindCase.ABORT
                || (c.getKindCase() == Command.KindCase.LOAD_PARTITIONS || c.getKindCase() == Command.KindCase.REBUILD_PARTITIONS)
                && c.getJobEpoch() > job.epoch)) {
            job.exchanging = -1;
            job.exchange = null;
        }
        commands.accept(c);
        // One command at a time, each taking a little compute time; only a superstep's runs beside a checkpoint write.
        Instant begin = busyUntil != null && busyUntil.isAfter(world.now()) ? busyUntil : world.now();
        if (writeUntil != null && writeUntil.isAfter(begin) && c.getKindCase() != Command.KindCase.START_SUPERSTEP
                && c.getKindCase() != Command.KindCase.EXCHANGE) {
            begin = writeUntil;
        }
        busyUntil = begin.plus(world.millis(1, 20));
        int life = incarnation;
        world.at(busyUntil, id + " runs " + c.getKindCase() + " #" + c.getCommandId(), () -> {
            if (up && incarnation == life) {
                run(c);
            }
        });
    }

    private void run(Command c) {
        switch (c.getKindCase()) {
            case LOAD_PARTITIONS -> {
                job = new Job(c.getJobId());
                job.place(c.getJobEpoch(), c.getLoadPartitions().getPartitions(), c.getLoadPartitions().getPartitionIdsList(),
                        c.getLoadPartitions().getPartitionMap());
                reply(c, ScriptedLoads.answer(c, List.copyOf(job.owned), job.owned.size(), job.owned.size()));
            }
            case REBUILD_PARTITIONS -> {
                // The structure files are in the shared checkpoint directory: the share comes from them.
                job = new Job(c.getJobId());
                job.place(c.getJobEpoch(), c.getRebuildPartitions().getPartitions(),
                        c.getRebuildPartitions().getPartitionIdsList(), c.getRebuildPartitions().getPartitionMap());
                fromScratch();
                reply(c, ScriptedLoads.answer(c, List.copyOf(job.owned), job.owned.size(), job.owned.size()));
            }
            case SHUFFLE_PARTITIONS -> {
                if (loading(c)) {
                    reply(c, ScriptedLoads.answer(c, List.copyOf(job.owned), job.owned.size(), job.owned.size()));
                }
            }
            case BUILD_PARTITIONS -> {
                if (loading(c)) {
                    fromScratch();
                    reply(c, ScriptedLoads.answer(c, List.copyOf(job.owned), job.owned.size(), job.owned.size()));
                }
            }
            case START_SUPERSTEP -> {
                if (holds(c)) {
                    reply(c, compute(c.getStartSuperstep()));
                }
            }
            case EXCHANGE -> {
                if (holds(c)) {
                    exchange(c);
                }
            }
            case CHECKPOINT -> {
                if (holds(c)) {
                    checkpoint(c);
                }
            }
            case RESTORE -> restore(c);
            case WRITE_OUTPUT -> {
                if (holds(c)) {
                    for (int p : job.owned) {
                        reply(c, Report.newBuilder().setOutputChunk(OutputChunk.newBuilder().setPartitionId(p).setSeq(0)
                                .setLast(true).setText(ByteString.copyFrom(p + " " + job.values.get(p) + "\n",
                                        StandardCharsets.US_ASCII))));
                    }
                    reply(c, Report.newBuilder().setOutputDone(OutputDone.newBuilder().setVertices(job.owned.size())));
                }
            }
            case ABORT, RELEASE -> {
                job = null;
                batches.clear();
            }
            default -> {
            }
        }
    }

    /**
     * The snapshot now, and its files written on the writer thread: each partition's file lands at
     * a seeded moment of a seeded delay, the report (CheckpointDone, or one time in ten
     * CHECKPOINT_FAILED) at its end; a crash in between loses the rest, leaving some files of a
     * checkpoint that is never complete. The next superstep runs meanwhile; any other command
     * waits for the write ({@link #writeUntil}).
     */
    private void checkpoint(Command c) {
        String dir = c.getCheckpoint().getDirectory();
        Map<Integer, long[]> snapshot = new TreeMap<>();
        for (int p : job.owned) {
            snapshot.put(p, new long[] {job.values.get(p), job.delivered.getOrDefault(p, 0L)});
        }
        Duration write = world.millis(1, 600);
        boolean fails = world.random.nextInt(10) == 0;
        writeUntil = world.now().plus(write);
        int life = incarnation;
        snapshot.forEach((p, saved) -> world.after(world.millis(0, (int) write.toMillis()), id + " writes " + dir + "/" + p,
                () -> {
                    if (up && incarnation == life) {
                        disk.put(dir + "/" + p, saved);
                    }
                }));
        world.at(writeUntil, id + " checkpoint written #" + c.getCommandId(), () -> {
            if (!up || incarnation != life) {
                return;
            }
            if (fails) {
                reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.CHECKPOINT_FAILED)
                        .setMessage("cannot write the checkpoint of superstep " + c.getCheckpoint().getSuperstep()
                                + ": No space left on device")));
            } else {
                reply(c, Report.newBuilder().setCheckpointDone(CheckpointDone.newBuilder()
                        .setSuperstep(c.getCheckpoint().getSuperstep()).setBytes(16L * snapshot.size())));
            }
        });
    }

    /** Whether this agent holds the command's job; answers a failure when not (it restarted or was fenced). */
    /** Whether a load step is for the load this agent has begun (a LoadPartitions of the same job epoch). */
    private boolean loading(Command c) {
        if (job != null && job.id.equals(c.getJobId()) && job.epoch == c.getJobEpoch()) {
            return true;
        }
        reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.LOAD_FAILED)
                .setMessage("this agent has no load of job " + c.getJobId() + " at job epoch " + c.getJobEpoch())
                .setRetryable(true)));
        return false;
    }

    private boolean holds(Command c) {
        if (job != null && job.id.equals(c.getJobId())) {
            return true;
        }
        reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.COMPUTE_FAILED)
                .setMessage("this agent holds no job " + c.getJobId() + " (was it restarted?)").setRetryable(true)));
        return false;
    }

    private void fromScratch() {
        job.values = new TreeMap<>();
        job.delivered = new TreeMap<>();
        for (int p : job.owned) {
            job.values.put(p, SimFold.initial(p));
        }
    }

    private Report.Builder compute(StartSuperstep start) {
        int step = start.getSuperstep();
        double aggregate = start.getAggregateValuesCount() > 0 ? start.getAggregateValues(0) : 0;
        job.outbox = new TreeMap<>();
        SuperstepDone.Builder done = SuperstepDone.newBuilder().setSuperstep(step).setActiveVertices(job.owned.size())
                .setComputedVertices(job.owned.size()).setMessagesSent(job.owned.size());
        for (int p : job.owned) {
            long value = SimFold.compute(job.values.get(p), job.delivered.getOrDefault(p, 0L), aggregate, step);
            job.values.put(p, value);
            job.outbox.merge(SimFold.target(p, step, job.partitions), SimFold.message(value, step), Long::sum);
            done.addPartials(PartitionAggregates.newBuilder().setPartitionId(p).setFirstBlock(p).addValues(SimFold.partial(value)));
        }
        job.delivered = new TreeMap<>();
        return Report.newBuilder().setSuperstepDone(done);
    }

    /** Ships the outbox to the partitions' owners and waits for every peer's batch of the step. */
    private void exchange(Command c) {
        Exchange x = c.getExchange();
        int step = x.getSuperstep();
        job.exchanging = step;
        job.exchange = c;
        Map<String, Map<Integer, Long>> byAgent = new TreeMap<>();
        for (String peer : job.peers(id)) {
            byAgent.put(peer, new TreeMap<>());
        }
        Map<Integer, Long> local = new TreeMap<>();
        job.outbox.forEach((target, value) -> {
            String owner = job.owners.get(target);
            (owner.equals(id) ? local : byAgent.get(owner)).merge(target, value, Long::sum);
        });
        batches.add(new Batch(job.id, job.epoch, step, id, local));
        Job current = job;
        for (Map.Entry<String, Map<Integer, Long>> b : byAgent.entrySet()) {
            if (!network.sendBatch(this, b.getKey(), new Batch(job.id, job.epoch, step, id, b.getValue()))) {
                String peer = b.getKey();
                world.after(world.millis(1, 10), id + " cannot reach " + peer, () -> {
                    if (job == current && current.exchanging == step && current.exchange == c) {
                        current.exchanging = -1;
                        reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.PEER_UNREACHABLE)
                                .setMessage("exchange with peer " + peer + " failed: connection refused")
                                .setPeerAddress(peer + ":7500").setRetryable(true)));
                    }
                });
            }
        }
        tryFinishExchange();
    }

    void batchArrived(Batch batch) {
        if (job != null && job.id.equals(batch.job()) && batch.epoch() < job.epoch) {
            return;
        }
        batches.add(batch);
        tryFinishExchange();
    }

    private void tryFinishExchange() {
        if (job == null || job.exchanging < 0) {
            return;
        }
        int step = job.exchanging;
        TreeSet<String> missing = job.peers(id);
        missing.add(id);
        for (Batch b : batches) {
            if (b.job().equals(job.id) && b.epoch() == job.epoch && b.step() == step) {
                missing.remove(b.from());
            }
        }
        if (!missing.isEmpty()) {
            return;
        }
        for (java.util.Iterator<Batch> it = batches.iterator(); it.hasNext(); ) {
            Batch b = it.next();
            if (b.job().equals(job.id) && b.epoch() == job.epoch && b.step() == step) {
                b.messages().forEach((p, v) -> job.delivered.merge(p, v, Long::sum));
                it.remove();
            }
        }
        Command c = job.exchange;
        job.exchanging = -1;
        job.exchange = null;
        reply(c, Report.newBuilder().setExchangeDone(ExchangeDone.newBuilder().setSuperstep(step)));
        if (c.getExchange().hasThenStart()) {
            reply(c, compute(c.getExchange().getThenStart()));
        }
    }

    private void restore(Command c) {
        if (job == null || !job.id.equals(c.getJobId())) {
            reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED)
                    .setMessage("this agent holds no job " + c.getJobId() + " to restore: send LoadPartitions first")
                    .setRetryable(true)));
            return;
        }
        var r = c.getRestore();
        job.place(c.getJobEpoch(), job.partitions, r.getPartitionIdsList(), r.getPartitionMap());
        long epoch = job.epoch;
        batches.removeIf(b -> b.epoch() < epoch);
        if (r.getFromScratch()) {
            fromScratch();
        } else {
            job.values = new TreeMap<>();
            job.delivered = new TreeMap<>();
            for (int p : job.owned) {
                long[] saved = disk.get(r.getDirectory() + "/" + p);
                if (saved == null) {
                    reply(c, Report.newBuilder().setFailure(Failure.newBuilder().setKind(FailureKind.RESTORE_FAILED)
                            .setMessage("no checkpoint file of partition " + p + " in " + r.getDirectory())));
                    return;
                }
                job.values.put(p, saved[0]);
                job.delivered.put(p, saved[1]);
            }
        }
        reply(c, Report.newBuilder().setRestoreDone(RestoreDone.newBuilder().setSuperstep(r.getSuperstep())
                .addAllPartitionIds(job.owned)));
    }

    private void reply(Command c, Report.Builder report) {
        Report r = report.setCommandId(c.getCommandId()).setJobId(c.getJobId()).setJobEpoch(c.getJobEpoch()).build();
        replies.computeIfAbsent(c.getCommandId(), k -> new ArrayList<>()).add(r);
        send(r);
    }

    /** On the session stream, stamped with the session epoch; kept until the session resumes while there is none. */
    private void send(Report r) {
        if (connected) {
            Report stamped = r.toBuilder().setSessionEpoch(sessionEpoch).build();
            stream.fromAgent(r.getKindCase() + " #" + r.getCommandId() + " job_epoch=" + r.getJobEpoch(), null, stamped);
        } else {
            outbox.add(r);
        }
    }
}
