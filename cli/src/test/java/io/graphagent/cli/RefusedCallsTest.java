package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.graphagent.net.cause.NotLeaderRefusal;
import io.graphagent.protocol.v1.CoordinatorGrpc;
import io.graphagent.protocol.v1.JobProgress;
import io.graphagent.protocol.v1.SubmitReply;
import io.graphagent.protocol.v1.SubmitRequest;
import io.graphagent.protocol.v1.WatchJobRequest;
import io.graphagent.net.testing.LoopbackGrpcServer;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client prints when a coordinator refuses because it does not lead, or cuts a call off
 * as it steps down: a plaintext gRPC server on 127.0.0.1 answers as a standby does (the status
 * {@link NotLeaderRefusal} builds, as the coordinator's StandbyService sends it) or shuts down
 * under a Submit, and the real {@code graphagent submit} runs against it.
 */
class RefusedCallsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final LoopbackGrpcServer server = new LoopbackGrpcServer();

    private static CoordinatorGrpc.CoordinatorImplBase refusing(NotLeaderRefusal refusal) {
        return new CoordinatorGrpc.CoordinatorImplBase() {
            @Override
            public void submit(SubmitRequest request, StreamObserver<SubmitReply> reply) {
                reply.onError(refusal.status().asRuntimeException());
            }

        };
    }

    private Cli.Result submit(String coordinator) {
        return Cli.run("submit", "--coordinator", coordinator, "--insecure", "--algorithm", "pagerank",
                "--graph", dir.resolve("g").toString(), "--output", dir.resolve("pr").toString());
    }

    @Test
    void aSubmitRefusedByAStandbyNamesTheLeaderToCall() throws Exception {
        String standby = server.start(refusing(new NotLeaderRefusal("coordinator-2", "127.0.0.1:7401", "")));

        Cli.Result r = submit(standby);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_FAILURE);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).startsWith("graphagent: coordinator " + standby + ": Submit failed:"
                        + " cause=not_leader (coordinator coordinator-2 is a standby; the leader is at 127.0.0.1:7401)."
                        + " Fix: call the leader: --coordinator 127.0.0.1:7401")
                .doesNotContain("stream_broken");
    }

    @Test
    void aSubmitRefusedWhileEtcdHasNoQuorumSaysNoCoordinatorLeadsAndWhy() throws Exception {
        String problem = "etcd has no quorum: etcd at http://127.0.0.1:2379 did not serve a read (quorum) (no answer"
                + " within 2000 ms)";
        String standby = server.start(refusing(new NotLeaderRefusal("coordinator-1", "", problem)));

        Cli.Result r = submit(standby);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_FAILURE);
        assertThat(r.err()).as(r.toString()).contains("Submit failed: cause=not_leader (no coordinator leads: " + problem
                + " (coordinator coordinator-1 admits no job)). Fix: start enough etcd members for a majority");
    }

    @Test
    void aSubmitRefusedByAStandbyWhileNoneIsElectedSaysToTryAgain() throws Exception {
        String standby = server.start(refusing(new NotLeaderRefusal("coordinator-2", "", "")));

        Cli.Result r = submit(standby);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_FAILURE);
        assertThat(r.err()).as(r.toString()).contains("Submit failed: cause=not_leader (no coordinator leads yet:",
                "Fix: try again in a few seconds");
    }

    @Test
    void aWatchRefusedByACoordinatorThatStoodByNamesTheLeaderWhereTheJobGoesOn() throws Exception {
        String former = server.start(new CoordinatorGrpc.CoordinatorImplBase() {
            @Override
            public void submit(SubmitRequest request, StreamObserver<SubmitReply> reply) {
                reply.onNext(SubmitReply.newBuilder().setJobId("job-7").build());
                reply.onCompleted();
            }

            @Override
            public void watchJob(WatchJobRequest request, StreamObserver<JobProgress> progress) {
                progress.onError(new NotLeaderRefusal("coordinator-1", "127.0.0.1:7402", "").status().asRuntimeException());
            }
        });

        Cli.Result r = submit(former);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_FAILURE);
        assertThat(r.err()).as(r.toString()).contains("job job-7 submitted to " + former,
                "graphagent: stopped watching job job-7: coordinator coordinator-1 is a standby; the leader is at"
                        + " 127.0.0.1:7402. Fix: the job goes on under the leader: `graphagent status --coordinator"
                        + " 127.0.0.1:7402` shows it");
    }

    @Test
    void aSubmitCutOffByACoordinatorShuttingDownSaysSoAndToLookBeforeSubmittingAgain() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        String leader = server.start(new CoordinatorGrpc.CoordinatorImplBase() {
            @Override
            public void submit(SubmitRequest request, StreamObserver<SubmitReply> reply) {
                arrived.countDown(); // and never answers: the server goes away under the call
            }
        });
        Thread stepDown = Thread.ofPlatform().name("step-down").start(() -> {
            try {
                if (arrived.await(30, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Cli.Result r = submit(leader);
        stepDown.join();

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(FailureHandler.EXIT_FAILURE);
        assertThat(r.err()).as(r.toString()).contains("Submit failed: cause=peer_closed (the coordinator stepped down or"
                + " went away mid-call: ", "Submit has no idempotency key", "submit again only if it is not listed");
    }
}
