package io.graphagent.agent.job;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one superstep's wall time went on this agent, for finding the cost of the cluster
 * over the single-process engine. Logged at DEBUG on {@value #LOGGER} as one
 * {@code event=superstep_timing} line per superstep, in milliseconds:
 * <ul>
 *   <li>{@code wait_start_ms}: from the end of the previous exchange to the start of this
 *       compute (the report's trip, the coordinator's barrier, the next command's trip);
 *   <li>{@code compute_ms} (with packing the broadcasts when the last exchange pulled, and
 *       writing them to the peers when they go during compute);
 *       {@code wait_exchange_ms}: end of compute to start of exchange (the barrier, and
 *       sending the broadcasts early when they go early);
 *   <li>{@code push_ms}: turning broadcasts into messages; {@code export_ms}: building and
 *       packing this agent's batches outside compute's own packing (summed over peers; on the
 *       compute threads when broadcasts go during compute, else on the agent-job thread);
 *       {@code mirrors_ms}: the wait for the peers' mirror lists (part of send, before anything
 *       goes; only the job epoch's first mirrored pull waits, and not at all when the lists,
 *       asked beside the first compute, are in; then an {@code event=mirrors_learnt} line says
 *       how long asking took);
 *       {@code send_ms}: start of the exchange to every peer's ack;
 *       {@code wait_peers_ms}: from there until every peer's batches are in;
 *       {@code first_batch_ms}: start of the exchange to the first peer batch (negative when
 *       a peer's came first); {@code import_ms}: filing peers' batches (network threads);
 *       {@code deliver_ms};
 *   <li>{@code early}: when this agent's broadcasts went to the peers ahead of the exchange:
 *       {@code compute} (partition by partition while computing), {@code after_compute}, or
 *       {@code no} (with the exchange).
 * </ul>
 * The agent-job thread writes the phase times and adds to export; network threads add to import.
 */
final class SuperstepTimings {
    /** The logger of timing lines: {@code -Dgraphagent.timing=DEBUG} or {@code graphagent log-level graphagent.timing DEBUG}. */
    static final String LOGGER = "graphagent.timing";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final long NONE = Long.MIN_VALUE;

    /** Phases of the exchange timed on the agent-job thread, in the order of the log line. */
    enum Phase { PUSH, MIRRORS, SEND, WAIT_PEERS, DELIVER }

    private long exchangeEnd = NONE;
    private long computeStart;
    private long computeEnd;
    private long exchangeStart;
    private final long[] phaseNanos = new long[Phase.values().length];
    private final AtomicLong exportNanos = new AtomicLong();
    private final AtomicLong importNanos = new AtomicLong();
    private final AtomicLong firstBatch = new AtomicLong(NONE);
    private String early = "no";

    /** Compute ran from {@code start} to {@code end} (the job's ticker, nanoseconds). */
    void computed(long start, long end) {
        computeStart = start;
        computeEnd = end;
    }

    /** This superstep's broadcasts went ahead of the exchange: {@code compute} or {@code after_compute}. */
    void early(String when) {
        early = when;
    }

    void exchangeStarted(long now) {
        exchangeStart = now;
    }

    /** Phase {@code phase} of the running exchange took {@code nanos}. */
    void took(Phase phase, long nanos) {
        phaseNanos[phase.ordinal()] = nanos;
    }

    /** From any thread: time spent producing outgoing batches. */
    void exported(long nanos) {
        exportNanos.addAndGet(nanos);
    }

    /** From any thread: a peer's batch was filed, taking {@code nanos}, at {@code arrival}. */
    void imported(long arrival, long nanos) {
        importNanos.addAndGet(nanos);
        firstBatch.compareAndSet(NONE, arrival);
    }

    /** The peers' mirror lists of the job epoch are in, asking them took {@code nanos} (from the first compute). */
    void mirrorsLearnt(String job, long epoch, int peers, long nanos) {
        log.debug("event=mirrors_learnt job={} epoch={} peers={} fetch_ms={}", job, epoch, peers, ms(nanos));
    }

    /** Logs the superstep that just ended at {@code now} and starts the next one's figures. */
    void exchangeEnded(String job, int superstep, long now, long bytesSent, long bytesReceived) {
        if (log.isDebugEnabled()) {
            long first = firstBatch.get();
            log.debug("event=superstep_timing job={} superstep={} wait_start_ms={} compute_ms={} wait_exchange_ms={}"
                            + " push_ms={} export_ms={} mirrors_ms={} send_ms={} wait_peers_ms={} first_batch_ms={} import_ms={}"
                            + " deliver_ms={} exchange_ms={} bytes_sent={} bytes_received={} early={}",
                    job, superstep, exchangeEnd == NONE ? "-" : ms(computeStart - exchangeEnd), ms(computeEnd - computeStart),
                    ms(exchangeStart - computeEnd), ms(phaseNanos[Phase.PUSH.ordinal()]), ms(exportNanos.get()),
                    ms(phaseNanos[Phase.MIRRORS.ordinal()]), ms(phaseNanos[Phase.SEND.ordinal()]), ms(phaseNanos[Phase.WAIT_PEERS.ordinal()]),
                    first == NONE ? "-" : ms(first - exchangeStart), ms(importNanos.get()),
                    ms(phaseNanos[Phase.DELIVER.ordinal()]), ms(now - exchangeStart), bytesSent, bytesReceived, early);
        }
        exchangeEnd = now;
        early = "no";
        java.util.Arrays.fill(phaseNanos, 0);
        exportNanos.set(0);
        importNanos.set(0);
        firstBatch.set(NONE);
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
