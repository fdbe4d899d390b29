package io.graphagent.coordinator.store;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.EtcdKeys;
import io.graphagent.coordinator.etcd.EtcdProbe;
import io.graphagent.coordinator.etcd.ProtoText;
import io.graphagent.coordinator.leader.EtcdHealthWatch;
import io.graphagent.coordinator.leader.FencedWrites;
import io.graphagent.coordinator.leader.Leadership;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.coordinator.membership.SessionEpochs;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.RegisteredAgent;
import io.graphagent.protocol.v1.StoredGraph;
import io.graphagent.protocol.v1.StoredJob;
import io.graphagent.protocol.v1.StoredSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd store, as the leader holds it for one term (keys in {@link EtcdKeys}). Opened when
 * the coordinator is elected: it reads the jobs, the known agents, the live sessions and the
 * epoch ceiling the previous leaders left, and reserves a first block of epochs above the
 * ceiling. Every write goes through {@link FencedWrites}, so a deposed leader writes nothing:
 * job records and epoch reservations at once (the caller waits for etcd), sessions, known
 * agents and the agent registry behind ({@link EtcdWriteBehind}). Thread-safe.
 */
public final class EtcdClusterStore implements ClusterStore {

    private static final Logger log = LoggerFactory.getLogger(EtcdClusterStore.class);

    /** Epochs reserved per write, as the local store does: one etcd write per 1000 sessions. */
    static final long EPOCH_BLOCK = 1000;

    private final EtcdConnection etcd;
    private final EtcdKeys keys;
    private final FencedWrites writes;
    private final EtcdWriteBehind behind;
    private final List<StoredJob> jobs;
    private final List<StoredGraph> graphs;
    private final Set<String> known;
    private final List<StoredSession> sessions;
    private final boolean takenOver;
    private final EpochBlocks epochs;

    private EtcdClusterStore(EtcdConnection etcd, FencedWrites writes, List<StoredJob> jobs, List<StoredGraph> graphs,
                             Set<String> known, List<StoredSession> sessions, long ceiling) throws StoreException {
        this.etcd = etcd;
        this.keys = etcd.keys();
        this.writes = writes;
        this.behind = new EtcdWriteBehind(writes);
        this.jobs = List.copyOf(jobs);
        this.graphs = List.copyOf(graphs);
        this.known = new TreeSet<>(known);
        this.sessions = List.copyOf(sessions);
        this.takenOver = ceiling > 0;
        this.epochs = new EpochBlocks(ceiling);
        epochs.reserve();
    }

    /**
     * Reads what earlier leaders left and reserves the first block of epochs.
     *
     * @throws StoreException when etcd does not answer, a value is corrupt, or the leadership is already over
     */
    public static EtcdClusterStore open(EtcdConnection etcd, Leadership leadership) throws StoreException {
        EtcdKeys keys = etcd.keys();
        try {
            // One transaction, one round trip and one revision: the takeover reads a consistent snapshot at once
            // (four reads one after the other cost a leader-to-be ~0.5 s on a loaded machine).
            GetOption prefix = GetOption.builder().isPrefix(true).build();
            List<GetResponse> read = etcd.await(etcd.kv().txn().Then(
                    Op.get(EtcdConnection.bytes(keys.jobs()), prefix),
                    Op.get(EtcdConnection.bytes(keys.knownAgents()), prefix),
                    Op.get(EtcdConnection.bytes(keys.sessions()), prefix),
                    Op.get(EtcdConnection.bytes(keys.epochs()), GetOption.DEFAULT),
                    Op.get(EtcdConnection.bytes(keys.graphs()), prefix)).commit(),
                    "read the job records, known agents, live sessions, session-epoch ceiling and resident graphs")
                    .getGetResponses();
            List<StoredJob> jobs = new ArrayList<>();
            for (KeyValue kv : read.get(0).getKvs()) {
                String key = EtcdConnection.text(kv.getKey());
                jobs.add(ProtoText.parse(key, EtcdConnection.text(kv.getValue()), StoredJob.newBuilder()).build());
            }
            jobs.sort(Comparator.comparingLong(j -> JobStore.number(j.getJobId())));
            Set<String> known = new TreeSet<>();
            for (KeyValue kv : read.get(1).getKvs()) {
                known.add(EtcdKeys.lastElement(EtcdConnection.text(kv.getKey())));
            }
            List<StoredSession> sessions = new ArrayList<>();
            for (KeyValue kv : read.get(2).getKvs()) {
                String key = EtcdConnection.text(kv.getKey());
                sessions.add(ProtoText.parse(key, EtcdConnection.text(kv.getValue()), StoredSession.newBuilder()).build());
            }
            List<KeyValue> ceiling = read.get(3).getKvs();
            long last = ceiling.isEmpty() ? 0 : parseLong(keys.epochs(), EtcdConnection.text(ceiling.getFirst().getValue()));
            List<StoredGraph> graphs = new ArrayList<>();
            for (KeyValue kv : read.get(4).getKvs()) {
                String key = EtcdConnection.text(kv.getKey());
                graphs.add(ProtoText.parse(key, EtcdConnection.text(kv.getValue()), StoredGraph.newBuilder()).build());
            }
            graphs.sort(Comparator.comparing(StoredGraph::getName));
            EtcdClusterStore store = new EtcdClusterStore(etcd, new FencedWrites(etcd, leadership), jobs, graphs, known,
                    sessions, last);
            log.info("event=etcd_store_opened term={} jobs={} graphs={} sessions={} known_agents={} first_epoch={}",
                    leadership.term().value(), jobs.size(), graphs.size(), sessions.size(), known.size(), last + 1);
            return store;
        } catch (EtcdException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    private static long parseLong(String key, String text) throws EtcdException {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new EtcdException("etcd key " + key + " holds '" + text + "', not a number",
                    "stop every coordinator and agent, then `etcdctl del " + key + "` (session epochs start again)");
        }
    }

    @Override
    public String kind() {
        return "etcd";
    }

    @Override
    public SessionEpochs epochs() {
        return epochs;
    }

    /**
     * Job records: a quorum read first, so that while etcd has no quorum a record (a submit) is
     * refused without being sent; a write that etcd took but did not answer in time is
     * indeterminate (etcd may still apply it when its quorum returns), and the refusal says so.
     * Either is {@link StoreException.Reason#UNAVAILABLE} with etcd's quorum as the problem, as
     * the health watch words it once it notices: a submit in the second or so before it does is
     * refused for the same cause.
     */
    @Override
    public JobRecords jobs() {
        return job -> {
            try {
                etcd.await(etcd.kv().get(EtcdConnection.bytes(keys.leader())), EtcdProbe.QUORUM_READ);
            } catch (EtcdException e) {
                String message = "could not record " + job.getJobId() + ": " + e.getMessage();
                throw e.unavailable() ? StoreException.unavailable(message, EtcdHealthWatch.noQuorum(e.getMessage()), e)
                        : new StoreException(message, e);
            }
            try {
                writes.commit("record " + job.getJobId(), Op.put(EtcdConnection.bytes(keys.job(job.getJobId())),
                        EtcdConnection.bytes(ProtoText.print(job)), PutOption.DEFAULT));
            } catch (FencedWrites.RefusedException e) {
                if (e.deposed() || e.reason() != StoreException.Reason.UNAVAILABLE) {
                    throw e;
                }
                String indeterminate = " (the write may still take effect when etcd's quorum returns: look at"
                        + " `graphagent status` before submitting again)";
                throw StoreException.unavailable(e.getMessage() + indeterminate, e.storeProblem() + indeterminate, e);
            }
        };
    }

    /**
     * Resident-graph records: written at once and fenced, as job records are; a write etcd did
     * not answer is refused with the reason (the caller refuses the load or logs it).
     */
    @Override
    public GraphRecords graphs() {
        return new GraphRecords() {
            @Override
            public void save(StoredGraph graph) throws StoreException {
                writes.commit("record resident graph " + graph.getName(), Op.put(EtcdConnection.bytes(
                        keys.graph(graph.getName())), EtcdConnection.bytes(ProtoText.print(graph)), PutOption.DEFAULT));
            }

            @Override
            public void delete(String name) throws StoreException {
                writes.commit("delete the record of resident graph " + name, Op.delete(EtcdConnection.bytes(
                        keys.graph(name)), DeleteOption.DEFAULT));
            }
        };
    }

    @Override
    public List<StoredGraph> storedGraphs() {
        return graphs;
    }

    @Override
    public List<StoredJob> storedJobs() {
        return jobs;
    }

    @Override
    public Set<String> knownAgents() {
        return Set.copyOf(known);
    }

    @Override
    public List<StoredSession> sessions() {
        return sessions;
    }

    @Override
    public boolean takenOver() {
        return takenOver;
    }

    /** The leadership this store writes under. */
    public Leadership leadership() {
        return writes.leadership();
    }

    /** Keys queued for writing behind. */
    public int backlog() {
        return behind.backlog();
    }

    /**
     * Keeps etcd's sessions/ and agents/ keys in step with {@code membership}: a new session is
     * recorded (so a successor can carry it over), an ALIVE agent is registered under the
     * leader's lease, a SUSPECT one unregistered, a DEAD or LEFT one forgotten.
     */
    public AgentDirectory.MembershipListener mirror(Membership membership) {
        return (agentId, from, to, cause) -> {
            switch (to) {
                case JOINING -> membership.status(agentId).ifPresent(this::recordSession);
                case ALIVE -> membership.status(agentId).ifPresent(this::register);
                case SUSPECT -> behind.delete(keys.agent(agentId));
                case DEAD, LEFT -> {
                    behind.delete(keys.agent(agentId));
                    behind.delete(keys.session(agentId));
                }
                default -> {
                }
            }
        };
    }

    private void recordSession(AgentStatus status) {
        behind.put(keys.session(status.getAgentId()), ProtoText.print(StoredSession.newBuilder()
                .setAgentId(status.getAgentId()).setSessionId(status.getSessionId()).setEpoch(status.getEpoch())
                .setDataAddress(status.getDataAddress()).build()), 0);
    }

    private void register(AgentStatus status) {
        if (status.getState() != AgentState.ALIVE) {
            return;
        }
        behind.put(keys.agent(status.getAgentId()), ProtoText.print(RegisteredAgent.newBuilder()
                .setAgentId(status.getAgentId()).setEpoch(status.getEpoch()).setDataAddress(status.getDataAddress())
                .setLeaderTerm(leadership().term().value()).build()), leadership().leaseId());
    }

    @Override
    public void close() {
        behind.close();
    }

    /** Session epochs reserved {@value #EPOCH_BLOCK} at a time with a fenced write of the ceiling before any is used. */
    private final class EpochBlocks implements SessionEpochs {
        // Guarded by this.
        private long next;
        private long ceiling;

        EpochBlocks(long previousCeiling) {
            this.next = previousCeiling + 1;
            this.ceiling = previousCeiling;
        }

        synchronized void reserve() throws StoreException {
            long wanted = ceiling + EPOCH_BLOCK;
            writes.commit("reserve session epochs up to " + wanted, Op.put(EtcdConnection.bytes(keys.epochs()),
                    EtcdConnection.bytes(Long.toString(wanted)), PutOption.DEFAULT));
            ceiling = wanted;
        }

        @Override
        public synchronized long next() {
            if (next > ceiling) {
                try {
                    reserve();
                } catch (StoreException e) {
                    log.error("event=epoch_reservation_failed detail=\"{}\"", e.getMessage());
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            return next++;
        }

        @Override
        public void agentSeen(String agentId) {
            synchronized (known) {
                if (!known.add(agentId)) {
                    return;
                }
            }
            behind.put(keys.knownAgent(agentId), "", 0);
        }
    }
}
