package io.graphagent.agent.job;

import io.graphagent.agent.load.IdLookup;
import io.graphagent.agent.load.LoadException;
import io.graphagent.agent.session.CoordinatorLink;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.path.PathDiagnosis;
import io.graphagent.net.tls.HostAndPort;
import io.graphagent.protocol.v1.Command;
import io.graphagent.protocol.v1.FailureKind;
import io.graphagent.protocol.v1.OutputDone;
import io.graphagent.protocol.v1.Report;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of a running job: StartSuperstep (compute), Exchange (the messages to the
 * peers, then perhaps the next superstep at once) and WriteOutput (the values, in chunks). A
 * failed exchange is answered PEER_UNREACHABLE under the connection's cause. Job thread.
 */
final class SuperstepSteps {
    private static final Logger log = LoggerFactory.getLogger(SuperstepSteps.class);

    /**
     * Output chunk size: far below any message-size limit, big enough to amortise framing, and
     * (with its copies) under half a 1 MiB G1 region, so not a humongous object (see BatchStream.MAX_BATCH).
     */
    static final int OUTPUT_CHUNK_BYTES = 256 * 1024;

    private final GraphagentConfig config;
    /** A failed exchange's channel is dropped, so the recovery dials afresh. */
    private final PeerChannels channels;
    private final Answers answers;

    SuperstepSteps(GraphagentConfig config, PeerChannels channels, Answers answers) {
        this.config = config;
        this.channels = channels;
        this.answers = answers;
    }

    /**
     * Computes the superstep, answers SuperstepDone, then sends the broadcasts a pulling superstep
     * reads. The job epoch's first also starts asking the peers for their mirror lists, beside compute.
     */
    void compute(AgentJob job, Command command, CoordinatorLink link) {
        job.learnMirrors();
        answers.reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getStartSuperstep())));
        job.sendBroadcastsEarly();
    }

    /** Sends the superstep's messages to the peers and takes theirs; with then_start, computes the next superstep. */
    void exchange(AgentJob job, Command command, CoordinatorLink link) {
        String jobId = command.getJobId();
        try {
            answers.reply(link, command, Report.newBuilder().setExchangeDone(job.exchange(command.getExchange())));
            if (command.getExchange().hasThenStart()) {
                // The exchange was the barrier: go on without waiting for a StartSuperstep.
                answers.reply(link, command, Report.newBuilder().setSuperstepDone(job.compute(command.getExchange().getThenStart())));
                job.sendBroadcastsEarly();
            }
        } catch (ExchangeFailedException e) {
            if (job.isSuperseded()) {
                // A rollback ended it: the coordinator knows why; the report is of an older epoch.
                log.info("event=exchange_abandoned job={} superstep={} detail=\"{}\"", jobId,
                        command.getExchange().getSuperstep(), e.getMessage());
                answers.peerUnreachable(link, command, e.peer, e.getMessage(), "");
                return;
            }
            FailureClassifier.Classification why = exchangeFailure(job, e);
            log.warn("cause={} event=exchange_failed job={} peer={} superstep={} detail=\"{}\"", why.cause().label(),
                    jobId, e.peer, command.getExchange().getSuperstep(), why.detail());
            answers.peerUnreachable(link, command, e.peer, "exchange with peer " + e.peer + " failed: " + why.detail()
                    + " [cause=" + why.cause().label() + "]", why.cause().label());
        }
    }

    /** Learns the output labels of the vertices, streams the values in chunks, then answers OutputDone. */
    void output(AgentJob job, Command command, CoordinatorLink link) {
        job.closeEarly("job writes its output");
        try {
            job.learnLabels(new IdLookup(job.jobId(), job.epoch(), AgentJobs.EXCHANGE_TIMEOUT));
        } catch (LoadException e) {
            answers.fail(link, command, FailureKind.OUTPUT_FAILED, e.getMessage());
            return;
        }
        job.output(OUTPUT_CHUNK_BYTES, chunk -> answers.reply(link, command, Report.newBuilder().setOutputChunk(chunk)));
        answers.reply(link, command, Report.newBuilder().setOutputDone(OutputDone.newBuilder().setVertices(job.ownedVertices())));
    }

    /**
     * Why an exchange with a peer failed: the failure's own cause, refined by a look at the path
     * to the peer's data port when it was a stall (a keepalive that went unanswered, a handshake
     * that timed out): large packets lost on the way give {@code path_mtu_blackhole}.
     */
    private FailureClassifier.Classification exchangeFailure(AgentJob job, ExchangeFailedException e) {
        FailureClassifier.Classification seen = FailureClassifier.explain(e.getCause(), FailureClassifier.Side.CLIENT);
        Optional<HostAndPort> peer = job.peerAddress(e.peer);
        if (peer.isEmpty()) {
            return seen;
        }
        channels.forget(peer.get().toString());
        if (!PathDiagnosis.examines(seen.cause())) {
            return seen;
        }
        Duration wait = config.tls().handshakeTimeout();
        return PathDiagnosis.refine(seen, new InetSocketAddress(peer.get().host(), peer.get().port()), wait, wait,
                Path.of("/proc"));
    }
}
