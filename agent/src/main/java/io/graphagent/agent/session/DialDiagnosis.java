package io.graphagent.agent.session;

import io.graphagent.net.cause.DisconnectCause;
import io.graphagent.net.cause.FailureClassifier;
import io.graphagent.net.path.PathDiagnosis;
import io.graphagent.net.tls.HostAndPort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dial that failed quietly (no answer, a stalled handshake): looks at the path to the
 * coordinator before the cause is named ({@link PathDiagnosis}: MTU black hole, silent drop,
 * refusal). The probe blocks for up to a handshake timeout, so it runs off the session thread,
 * one at a time per process ({@link SessionThreads#diagnoses}). Thread-safe.
 */
final class DialDiagnosis {

    /** The client's logger: these lines belong to the session's log. */
    private static final Logger log = LoggerFactory.getLogger(SessionClient.class);

    /** Where the kernel's routing and neighbour tables are read for a path diagnosis. */
    private static final Path PROC = Path.of("/proc");

    private final SessionSettings settings;
    private final SessionThreads threads;

    DialDiagnosis(SessionSettings settings, SessionThreads threads) {
        this.settings = settings;
        this.threads = threads;
    }

    /**
     * Starts a diagnosis of the path to {@code dialed} when {@code cause} is one worth it and no
     * other diagnosis of this process runs; its result (the refined cause, or the one seen) is
     * posted to the session thread as {@code then}.
     *
     * @return false when none was started: the caller goes on with the cause it saw
     */
    boolean start(DisconnectCause cause, String detail, HostAndPort dialed,
            Consumer<FailureClassifier.Classification> then) {
        if (!PathDiagnosis.examines(cause) || !threads.diagnoses.tryAcquire()) {
            return false;
        }
        Thread.ofVirtual().name("agent-path-diagnosis").start(() -> {
            FailureClassifier.Classification seen = new FailureClassifier.Classification(cause, detail);
            FailureClassifier.Classification why = seen;
            try {
                why = PathDiagnosis.refine(seen, new InetSocketAddress(dialed.host(), dialed.port()),
                        settings.timeouts().connect(), settings.timeouts().handshake(), PROC);
            } catch (RuntimeException e) {
                log.debug("event=path_diagnosis_failed agent={} detail=\"{}\"", settings.agentId(),
                        FailureClassifier.oneLine(e));
            } finally {
                threads.diagnoses.release();
            }
            FailureClassifier.Classification result = why;
            threads.post(() -> then.accept(result));
        });
        return true;
    }
}
