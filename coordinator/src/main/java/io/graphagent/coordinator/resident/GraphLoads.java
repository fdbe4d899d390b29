package io.graphagent.coordinator.resident;

import io.graphagent.config.GraphagentConfig;
import io.graphagent.coordinator.job.KeptLoad;
import io.graphagent.coordinator.membership.AgentDirectory;
import io.graphagent.coordinator.membership.AgentView;
import io.graphagent.coordinator.store.GraphRecords;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.protocol.JobEpoch;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.LoadDone;
import io.graphagent.protocol.v1.LoadGraphReply;
import io.graphagent.protocol.v1.LoadGraphRequest;
import io.graphagent.protocol.v1.ResidentGraph;
import io.graphagent.protocol.v1.ResidentState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads of resident graphs: a request checked (name, replicas, the job's own checks of {@link
 * KeptLoad#prepare}) and recorded in the store before it is accepted, then the load run on the
 * driver ({@link KeptLoad}, one holder per partition), its outcome recorded, and the replicas
 * made by the reconciliation that follows ({@code afterLoad}). Thread-safe (state under the
 * {@link KeptGraphs} lock).
 */
final class GraphLoads {
    private static final Logger log = LoggerFactory.getLogger(GraphLoads.class);

    /** Names of resident graphs: they become job ids and log words. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final AgentDirectory directory;
    private final GraphagentConfig config;
    private final Clock clock;
    private final AtomicLong commandIds;
    private final KeptGraphs kept;
    private final GraphRecords records;
    private final GraphRecordWriter writer;
    private final Executor driver;
    private final Runnable afterLoad;

    /**
     * @param records   where the record of a load is written before it is accepted
     * @param writer    where its record is written again when it ends
     * @param afterLoad run on the driver after a load succeeded: the reconciliation that copies its replicas
     */
    GraphLoads(AgentDirectory directory, GraphagentConfig config, Clock clock, AtomicLong commandIds, KeptGraphs kept,
               GraphRecords records, GraphRecordWriter writer, Executor driver, Runnable afterLoad) {
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        this.commandIds = commandIds;
        this.kept = kept;
        this.records = records;
        this.writer = writer;
        this.driver = driver;
        this.afterLoad = afterLoad;
    }

    /** Accepts a graph to load, or refuses it with the problems; the load runs on the driver. */
    LoadGraphReply load(LoadGraphRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.getName();
        if (!NAME.matcher(name).matches()) {
            errors.add(error("name", "'" + name + "' is not a graph name: use 1-64 letters, digits, '.', '_' or '-'"));
        }
        List<AgentView> alive = directory.alive();
        int replicas = request.getReplicas() > 0 ? request.getReplicas() : alive.size() >= 2 ? 2 : 1;
        if (request.getReplicas() > Math.max(1, alive.size())) {
            errors.add(error("replicas", request.getReplicas() + " replicas asked, but " + alive.size()
                    + " agent" + (alive.size() == 1 ? " is" : "s are") + " ALIVE: ask for at most " + Math.max(1, alive.size())
                    + " or start more agents"));
        }
        JobSpec.Builder spec = JobSpec.newBuilder().setGraph(request.getGraph()).setPartitions(request.getPartitions());
        if (request.hasDirected()) {
            spec.setDirected(request.getDirected());
        }
        KeptGraph graph;
        KeptLoad load;
        ResidentGraph accepted;
        synchronized (kept) {
            if (errors.isEmpty() && kept.byName.containsKey(name)) {
                errors.add(error("name", "graph " + name + " is resident already (" + kept.byName.get(name).state
                        + "): drop it first (graphagent graph drop " + name + ") or choose another name"));
            }
            String jobId = ResidentGraphs.jobIdOf(name);
            long first = kept.generations.getOrDefault(name, 0L) + 1;
            load = KeptLoad.prepare(jobId, name, spec.build(), directory, config, clock, commandIds, JobEpoch.of(first),
                    errors);
            if (!errors.isEmpty()) {
                return LoadGraphReply.newBuilder().addAllErrors(errors).build();
            }
            graph = new KeptGraph(name, jobId, request.getGraph(), replicas, clock.millis());
            graph.generation = load.epoch().value();
            try {
                records.save(graph.toRecord());
            } catch (StoreException e) {
                log.warn("event=resident_load_refused graph={} detail=\"{}\"", name, e.getMessage());
                return LoadGraphReply.newBuilder().addErrors(error("", "the coordinator cannot record the graph: "
                        + e.getMessage())).build();
            }
            kept.byName.put(name, graph);
            kept.loads.put(jobId, load);
            accepted = graph.toProto();
        }
        log.info("event=resident_load_accepted graph={} source={} replicas={} partitions={} client={}", name,
                request.getGraph(), replicas, request.getPartitions(), request.getClientName());
        kept.publish();
        driver.execute(() -> run(graph, load));
        return LoadGraphReply.newBuilder().setGraph(accepted).build();
    }

    private void run(KeptGraph graph, KeptLoad load) {
        try {
            KeptLoad.Kept done = load.run();
            synchronized (kept) {
                kept.generations.merge(graph.name, done.generation().value(), Math::max);
                if (!kept.current(graph)) {
                    return; // dropped meanwhile; its agents drop it below
                }
                graph.loaded(done.generation().value(), done.layout(), done.ownerOf(), clock.millis());
                for (Map.Entry<String, LoadDone> e : done.perAgent().entrySet()) {
                    graph.bytes.put(e.getKey(), e.getValue().getShareBytes());
                }
                graph.message = "loaded: " + graph.vertices + " vertices, " + graph.edges + " edges; copying replicas";
            }
            record(graph);
            log.info("event=resident_loaded graph={} generation={} vertices={} edges={} partitions={}", graph.name,
                    done.generation().value(), graph.vertices, graph.edges, done.ownerOf().length);
            afterLoad.run();
        } catch (KeptLoad.LoadFailedException e) {
            log.warn("event=resident_load_failed graph={} bad_input={} detail=\"{}\"", graph.name, e.badInput(),
                    e.getMessage());
            synchronized (kept) {
                kept.generations.merge(graph.name, load.epoch().value(), Math::max);
                graph.state = ResidentState.GRAPH_FAILED;
                graph.message = e.getMessage();
            }
            record(graph);
        } catch (RuntimeException e) {
            log.error("event=resident_load_failed graph={} cause=internal_error detail=\"{}\"", graph.name, e.toString(), e);
            synchronized (kept) {
                graph.state = ResidentState.GRAPH_FAILED;
                graph.message = "internal error in the coordinator: " + e;
            }
            record(graph);
        } finally {
            kept.loads.remove(graph.jobId);
            kept.publish();
        }
    }

    /** Rewrites the graph's record unless it was dropped meanwhile; a failed write is logged, the graph carries on. */
    private void record(KeptGraph graph) {
        try {
            writer.save(graph);
        } catch (StoreException e) {
            log.warn("event=resident_record_not_saved graph={} state={} detail=\"{}\"", graph.name, graph.state,
                    e.getMessage());
        }
    }

    private static FieldError error(String field, String message) {
        return FieldError.newBuilder().setField(field).setMessage(message).build();
    }
}
