package io.graphagent.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.graphagent.config.CoordinatorConfig;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.Profile;
import io.graphagent.config.TlsConfig;
import io.graphagent.coordinator.store.JobRecords;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.net.testing.FakeClock;
import io.graphagent.protocol.v1.Algorithm;
import io.graphagent.protocol.v1.FieldError;
import io.graphagent.protocol.v1.JobSpec;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a job may touch, checked at submit before any record of the job exists: a graph under
 * job.input-roots, an output under job.output-roots, neither inside the cluster's own state,
 * certificate or checkpoint directories. Each used to be accepted (`submit -o /root/x`
 * overwrote it; a job could overwrite `coordinator/membership.state` or `certs/ca.pem`).
 */
class SubmitChecksTest {
    @TempDir
    Path dir;

    private Path graphs;
    private Path results;
    private Path state;
    private Path certs;

    @BeforeEach
    void layout() throws Exception {
        graphs = Files.createDirectories(dir.resolve("graphs"));
        results = Files.createDirectories(dir.resolve("results"));
        state = Files.createDirectories(dir.resolve("state"));
        certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(graphs.resolve("g.e"), "1 2\n2 3\n");
        Files.writeString(state.resolve("membership.state"), "precious");
        Files.writeString(certs.resolve("ca-key.pem"), "-----BEGIN PRIVATE KEY-----\nsecret\n");
    }

    @Test
    void anOutputOutsideTheRootsIsRefusedNamingTheRootsAndNothingIsCreated() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        List<FieldError> errors = refused(spec(graphs.resolve("g.e")).setOutputPath(elsewhere.resolve("x").toString()));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("output_path");
            assertThat(e.getMessage()).isEqualTo(elsewhere.resolve("x") + " is outside job.output-roots (" + results
                    + "), where jobs may write. Fix: use a path under one of them, or add its directory to job.output-roots"
                    + " in the configuration (GRAPHAGENT_JOB_OUTPUT_ROOTS)");
        });
        try (Stream<Path> left = Files.list(elsewhere)) {
            assertThat(left).as("not even the probe of the directory").isEmpty();
        }
    }

    @Test
    void theCoordinatorsOwnStateIsNeverAnOutputWhateverTheRoots() throws Exception {
        JobScheduler scheduler = scheduler(List.of(dir), List.of(dir));

        List<FieldError> errors = refused(scheduler, spec(graphs.resolve("g.e"))
                .setOutputPath(state.resolve("membership.state").toString()).setOverwrite(true));

        assertThat(errors).singleElement().extracting(FieldError::getMessage).asString()
                .startsWith(state.resolve("membership.state") + " is inside the coordinator's state directory"
                        + " (coordinator.state-dir) " + state + ": jobs never read or write there. Fix:");
        assertThat(Files.readString(state.resolve("membership.state"))).isEqualTo("precious");
    }

    @Test
    void aCertificateFileIsNeverReadAsAGraphAndNothingOfItIsQuoted() {
        JobScheduler scheduler = scheduler(List.of(dir), List.of(results));

        List<FieldError> errors = refused(scheduler, spec(certs.resolve("ca-key.pem")));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("graph");
            assertThat(e.getMessage()).contains("is inside the certificate directory (tls.certs-dir) " + certs)
                    .doesNotContain("BEGIN", "secret");
        });
    }

    @Test
    void aLinkUnderAnInputRootThatLeadsOutsideIsRefused() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("private"));
        Files.writeString(outside.resolve("data.e"), "1 2\n");
        Files.createSymbolicLink(graphs.resolve("link.e"), outside.resolve("data.e"));

        List<FieldError> errors = refused(spec(graphs.resolve("link")));

        assertThat(errors).singleElement().extracting(FieldError::getMessage).asString()
                .startsWith(graphs.resolve("link.e") + " (" + outside.resolve("data.e") + ") is outside job.input-roots ("
                        + graphs + "), where jobs may read.");
    }

    @Test
    void aGraphAndAnOutputUnderTheirRootsAreAccepted() throws Exception {
        try (JobScheduler scheduler = scheduler(List.of(graphs), List.of(results))) {
            SubmitReply reply = scheduler.submit(request(spec(graphs.resolve("g.e"))));

            assertThat(reply.getErrorsList()).isEmpty();
            assertThat(reply.getJobId()).isEqualTo("job-1");
        }
    }

    @Test
    void twoBillionPartitionsAreRefusedWithTheBoundBeforeAnyRecordExists() {
        List<FieldError> errors = refused(spec(graphs.resolve("g.e")).setPartitions(2_000_000_000));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("partitions");
            assertThat(e.getMessage()).isEqualTo("2000000000 partitions is more than the 1024 a job may have. Fix: pass"
                    + " --partitions 1024 or fewer (default: agents x job.partitions-per-agent)");
        });
    }

    @Test
    void everyParameterPastItsBoundIsNamedAtOnce() {
        List<FieldError> errors = refused(SubmitRequest.newBuilder().setClientName("mallory\nevent=forged").setJob(
                spec(graphs.resolve("g.e")).setAlgorithm(Algorithm.PAGERANK).setIterations(-1).setCheckpointEvery(-1)
                        .setOutputPath("/" + "x".repeat(5000))));

        assertThat(errors).extracting(FieldError::getField)
                .containsExactly("output_path", "iterations", "checkpoint_every", "client_name");
        assertThat(errors.get(1).getMessage()).startsWith("4294967295 iterations is more than the 100000 a job may run"
                + " (100001 supersteps)");
    }

    @Test
    void iterationsFromThePropertiesAreBoundedToo() throws Exception {
        Files.writeString(graphs.resolve("p.v"), "1\n2\n");
        Files.writeString(graphs.resolve("p.e"), "1 2\n");
        Files.writeString(graphs.resolve("p.properties"), "graph.p.pr.num-iterations = 2000000000\n");

        List<FieldError> errors = refused(spec(graphs.resolve("p")).setAlgorithm(Algorithm.PAGERANK));

        assertThat(errors).singleElement().extracting(FieldError::getMessage).asString()
                .startsWith("pr.num-iterations = 2000000000 in " + graphs.resolve("p") + ".properties is more than the 100000");
    }

    /** One resident graph, "social": directed, unweighted, 4 partitions on two agents. */
    private static final ResidentCatalog SOCIAL = new ResidentCatalog() {
        @Override
        public Optional<Graph> find(String name) {
            return name.equals("social") ? Optional.of(new Graph("social", "graph-social", 3, "/nowhere/social", true,
                    false, 10, List.of(List.of("agent-1"), List.of("agent-2"), List.of("agent-1"), List.of("agent-2"))))
                    : Optional.empty();
        }

        @Override
        public List<String> names() {
            return List.of("social", "web");
        }
    };

    private List<FieldError> refusedOnResident(JobSpec.Builder spec) {
        JobScheduler scheduler = scheduler(List.of(graphs), List.of(results));
        scheduler.useResidents(SOCIAL);
        return refused(scheduler, spec);
    }

    private JobSpec.Builder byName(String name) {
        return JobSpec.newBuilder().setAlgorithm(Algorithm.PAGERANK).setGraphName(name)
                .setOutputPath(results.resolve("out.txt").toString());
    }

    @Test
    void aJobOnAResidentGraphThatIsNotLoadedIsRefusedListingTheLoadedOnes() {
        assertThat(refusedOnResident(byName("nosuch"))).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("graph_name");
            assertThat(e.getMessage()).isEqualTo("no resident graph nosuch is loaded (loaded: social, web). Fix: graphagent"
                    + " graph load --name nosuch --graph PREFIX, or pass one of the loaded names");
        });
        // Without any resident graph (no online side), the refusal says none is loaded.
        assertThat(refused(byName("social"))).singleElement().extracting(FieldError::getMessage).asString()
                .startsWith("no resident graph social is loaded (none is).");
    }

    @Test
    void aJobOnAResidentGraphTakesItsPartitionsDirectednessAndWeights() {
        assertThat(refusedOnResident(byName("social").setGraph(graphs.resolve("g.e").toString()).setPartitions(8)
                .setDirected(false))).extracting(FieldError::getField).containsExactly("graph", "partitions", "directed");
        assertThat(refusedOnResident(byName("social").setAlgorithm(Algorithm.SSSP).setSourceVertex(1)))
                .singleElement().extracting(FieldError::getMessage).asString()
                .startsWith("the resident graph social was loaded without edge weights, which sssp needs");
    }

    @Test
    void aJobOnALoadedResidentGraphIsAccepted() throws Exception {
        try (JobScheduler scheduler = scheduler(List.of(graphs), List.of(results))) {
            scheduler.useResidents(SOCIAL);
            SubmitReply reply = scheduler.submit(request(byName("social").setIterations(3)));
            assertThat(reply.getErrorsList()).isEmpty();
            assertThat(reply.getJobId()).isEqualTo("job-1");
            assertThat(scheduler.jobs(true)).singleElement().satisfies(j ->
                    assertThat(j.getSpec().getGraphName()).isEqualTo("social"));
        }
    }

    @Test
    void aBuiltInNamedAsAProgramIsAcceptedAndAnUnknownNameIsRefusedWithTheChoices() throws Exception {
        JobScheduler scheduler = scheduler(List.of(graphs), List.of(results));
        try (scheduler) {
            JobSpec.Builder named = spec(graphs.resolve("g.e")).clearAlgorithm()
                    .setProgram(io.graphagent.protocol.v1.ProgramRef.newBuilder().setBuiltIn("wcc"));
            assertThat(scheduler.submit(request(named)).getErrorsList()).isEmpty();
        }
        List<FieldError> errors = refused(spec(graphs.resolve("g.e")).clearAlgorithm()
                .setProgram(io.graphagent.protocol.v1.ProgramRef.newBuilder().setBuiltIn("hits")));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("program");
            assertThat(e.getMessage()).isEqualTo("unknown algorithm 'hits': choose one of bfs, pagerank, wcc, cdlp, lcc, sssp");
        });
    }

    private JobSpec.Builder spec(Path graph) {
        return JobSpec.newBuilder().setAlgorithm(Algorithm.WCC).setGraph(graph.toString()).setDirected(true)
                .setOutputPath(results.resolve("out.txt").toString());
    }

    private List<FieldError> refused(JobSpec.Builder spec) {
        return refused(scheduler(List.of(graphs), List.of(results)), spec);
    }

    private List<FieldError> refused(SubmitRequest.Builder request) {
        return refused(scheduler(List.of(graphs), List.of(results)), request.build());
    }

    private static List<FieldError> refused(JobScheduler scheduler, JobSpec.Builder spec) {
        return refused(scheduler, request(spec));
    }

    private static List<FieldError> refused(JobScheduler scheduler, SubmitRequest request) {
        try (scheduler) {
            SubmitReply reply = scheduler.submit(request);
            assertThat(reply.getJobId()).as("refused, so no job record exists").isEmpty();
            assertThat(scheduler.jobs(true)).isEmpty();
            return reply.getErrorsList();
        } catch (JobApi.StoreUnavailableException | JobApi.NotLeaderException e) {
            throw new AssertionError("no store here, yet: " + e.getMessage(), e);
        }
    }

    /**
     * A record the store could not commit because etcd did not answer is the cluster's problem,
     * told as such (the coordinator refuses the Submit for etcd's quorum); any other failure of
     * the store is still told as the job's error. Neither job is kept.
     */
    @Test
    void aJobTheStoreDidNotAnswerForIsRefusedWithTheStoresProblemOtherStoreFailuresAsAnError() {
        String problem = "etcd has no quorum: etcd at http://127.0.0.1:2379 did not serve a read (quorum)";
        JobRecords noQuorum = job -> {
            throw StoreException.unavailable("could not record " + job.getJobId() + ": etcd at ...", problem, null);
        };
        try (JobScheduler scheduler = scheduler(noQuorum)) {
            assertThatThrownBy(() -> scheduler.submit(request(spec(graphs.resolve("g.e")))))
                    .isInstanceOf(JobApi.StoreUnavailableException.class).hasMessage(problem);
            assertThat(scheduler.jobs(true)).isEmpty();
        }

        JobRecords diskFull = job -> {
            throw new StoreException("coordinator state file /s/jobs/job-1 cannot be written (disk full)");
        };
        assertThat(refused(scheduler(diskFull), request(spec(graphs.resolve("g.e"))))).singleElement()
                .extracting(FieldError::getMessage).isEqualTo("the coordinator cannot record the job: coordinator"
                        + " state file /s/jobs/job-1 cannot be written (disk full)");
    }

    /**
     * A record the store fenced because this coordinator was deposed (a newer leader) is not the
     * job's error: the submit is refused as not the leader's, and no job is kept.
     */
    @Test
    void aJobWhoseRecordWasFencedByANewerLeaderIsRefusedAsNotTheLeaderNotAsAFieldError() {
        JobRecords deposed = job -> {
            throw new DeposedRecord("could not record " + job.getJobId() + ": this coordinator no longer leads (term 3;"
                    + " a newer leader holds term 4). Fix: nothing; the current leader carries on");
        };
        try (JobScheduler scheduler = scheduler(deposed)) {
            assertThatThrownBy(() -> scheduler.submit(request(spec(graphs.resolve("g.e")))))
                    .isInstanceOf(JobApi.NotLeaderException.class).hasMessageContaining("no longer leads");
            assertThat(scheduler.jobs(true)).isEmpty();
        }
    }

    /** What the etcd store's fenced write throws once the leadership is over. */
    private static final class DeposedRecord extends StoreException {
        DeposedRecord(String message) {
            super(message, null, Reason.DEPOSED, "");
        }
    }

    private static SubmitRequest request(JobSpec.Builder spec) {
        return SubmitRequest.newBuilder().setJob(spec).build();
    }

    private JobScheduler scheduler(JobRecords store) {
        return new JobScheduler(new NoAgents(), config(List.of(graphs), List.of(results)), new FakeClock(), store,
                List.of(), java.util.Set.of());
    }

    private JobScheduler scheduler(List<Path> inputRoots, List<Path> outputRoots) {
        return new JobScheduler(new NoAgents(), config(inputRoots, outputRoots), new FakeClock());
    }

    private GraphagentConfig config(List<Path> inputRoots, List<Path> outputRoots) {
        GraphagentConfig base = Profile.TEST.defaults();
        return new GraphagentConfig(base.profile(), base.cluster(),
                new CoordinatorConfig(base.coordinator().listen(), base.coordinator().adminListen(), state), base.agent(),
                base.session(), base.grpc(), new TlsConfig(true, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(certs), base.tls().handshakeTimeout()), base.network(),
                base.job().withCheckpointDir(dir.resolve("checkpoints")).withRoots(inputRoots, outputRoots), base.admin());
    }
}
