package io.graphagent.ops.metrics;

import io.graphagent.agent.checkpoint.ReplicaCounters;
import io.graphagent.agent.session.SessionClient;
import io.graphagent.coordinator.job.JobListener;
import io.graphagent.coordinator.membership.Membership;
import io.graphagent.net.cause.CauseCounter;
import io.graphagent.protocol.v1.AgentState;
import io.graphagent.protocol.v1.AgentStatus;
import io.graphagent.protocol.v1.JobState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every {@code graphagent_*} metric of one process, and the registry they live in (with the JVM
 * metrics: GC pause time, heap, threads). The names are a contract: {@code ops/prometheus/alerts.yml}
 * and the Grafana dashboard are written against them, so renaming one breaks an alert.
 *
 * <p>The coordinator feeds it through {@link #observeCoordinator} (membership transitions, TLS
 * failures by cause, job supersteps and states); an agent through {@link #observeAgent} (its
 * heartbeat round trips, reconnects by cause, clock offset). Metrics the process has no source for
 * stay registered at zero, so one scrape config and one dashboard serve both roles. Thread-safe.
 */
public final class ClusterMetrics implements JobListener {

    /** Heartbeat round-trip buckets, seconds: LAN pings sit in the first few, WAN links in the middle. */
    static final double[] RTT_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /** Superstep, checkpoint and recovery buckets, seconds: from a tiny test graph to a large one. */
    static final double[] PHASE_BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Clock clock;

    final Counter transitions;
    final Histogram heartbeatRtt;
    final Counter leaseExpiries;
    final Counter reconnects;
    final Counter tlsFailures;
    final Histogram superstepDuration;
    final Counter messagesSent;
    final Counter bytesSent;
    final Counter messagesReceived;
    final Counter bytesReceived;
    final Histogram checkpointDuration;
    final Histogram recoveryDuration;
    final Counter checkpointBytes;
    final Counter superstepsRedone;
    final Histogram detection;
    final Gauge jobSuperstep;
    final Gauge jobLastProgress;
    final Gauge certificateExpiry;
    private final Map<String, JobState> jobStates = new ConcurrentHashMap<>();
    private volatile Supplier<Iterable<AgentStatus>> agents = java.util.List::of;
    private volatile Map<String, Double> ownSkew = Map.of();

    public ClusterMetrics(Clock clock) {
        this.clock = clock;
        GaugeWithCallback.builder().name("graphagent_agents")
                .help("Agents known to the coordinator, by state (DEAD and LEFT ones included).")
                .labelNames("state").callback(cb -> {
                    Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
                    for (AgentState s : new AgentState[]{AgentState.JOINING, AgentState.ALIVE, AgentState.SUSPECT,
                            AgentState.DEAD, AgentState.LEFT}) {
                        counts.put(s, 0);
                    }
                    for (AgentStatus status : agents.get()) {
                        counts.computeIfPresent(status.getState(), (k, v) -> v + 1);
                    }
                    counts.forEach((state, n) -> cb.call(n, state.name()));
                }).register(registry);
        transitions = Counter.builder().name("graphagent_agent_state_transitions_total")
                .help("Agent state transitions, by target state and cause.").labelNames("to", "cause").register(registry);
        heartbeatRtt = Histogram.builder().name("graphagent_heartbeat_rtt_seconds")
                .help("Heartbeat round trip, seconds. Agent: every acked heartbeat. Coordinator: each live agent's"
                        + " last reported round trip, sampled once per heartbeat interval.")
                .classicOnly().classicUpperBounds(RTT_BUCKETS).register(registry);
        GaugeWithCallback.builder().name("graphagent_clock_skew_seconds")
                .help("Estimated coordinator clock minus agent clock, seconds, by agent.")
                .labelNames("agent").callback(cb -> {
                    for (AgentStatus status : agents.get()) {
                        if (status.getState() == AgentState.ALIVE || status.getState() == AgentState.SUSPECT) {
                            cb.call(status.getClockSkewMs() / 1000.0, status.getAgentId());
                        }
                    }
                    ownSkew.forEach((agent, skew) -> cb.call(skew, agent));
                }).register(registry);
        leaseExpiries = Counter.builder().name("graphagent_lease_expiries_total")
                .help("Leases that expired (agent declared DEAD), by the cause of the silence.").labelNames("cause")
                .register(registry);
        reconnects = Counter.builder().name("graphagent_reconnects_total")
                .help("Agent side: session failures followed by a reconnect attempt, by cause.").labelNames("cause")
                .register(registry);
        tlsFailures = Counter.builder().name("graphagent_tls_handshake_failures_total")
                .help("Failed TLS handshakes, by cause.").labelNames("cause").register(registry);
        superstepDuration = Histogram.builder().name("graphagent_superstep_duration_seconds")
                .help("Superstep wall time (StartSuperstep to the last ExchangeDone), seconds; coordinator.")
                .classicOnly().classicUpperBounds(PHASE_BUCKETS).register(registry);
        messagesSent = Counter.builder().name("graphagent_messages_sent_total")
                .help("Vertex messages sent by all agents, after combining; counted by the coordinator per superstep.")
                .register(registry);
        bytesSent = Counter.builder().name("graphagent_bytes_sent_total")
                .help("Data-plane bytes shipped between agents; counted by the coordinator per superstep.")
                .register(registry);
        messagesReceived = Counter.builder().name("graphagent_messages_received_total")
                .help("Vertex messages delivered to agents; every sent message is delivered before the barrier.")
                .register(registry);
        bytesReceived = Counter.builder().name("graphagent_bytes_received_total")
                .help("Data-plane bytes delivered to agents; equal to bytes sent once a superstep passes its barrier.")
                .register(registry);
        checkpointDuration = Histogram.builder().name("graphagent_checkpoint_duration_seconds")
                .help("Time for every agent to write a checkpoint, seconds; coordinator, every job.checkpoint-every supersteps.")
                .classicOnly().classicUpperBounds(PHASE_BUCKETS).register(registry);
        recoveryDuration = Histogram.builder().name("graphagent_recovery_duration_seconds")
                .help("Recovery from a lost agent (re-placement and restore from the last checkpoint), seconds; coordinator.")
                .classicOnly().classicUpperBounds(PHASE_BUCKETS).register(registry);
        checkpointBytes = Counter.builder().name("graphagent_checkpoint_bytes_total")
                .help("Bytes of complete checkpoints, summed over the agents; coordinator.").register(registry);
        superstepsRedone = Counter.builder().name("graphagent_supersteps_redone_total")
                .help("Supersteps run again after recoveries (begun since the checkpoint rolled back to); coordinator.")
                .register(registry);
        detection = Histogram.builder().name("graphagent_detection_seconds")
                .help("Time from an agent's last heartbeat to its DEAD verdict, seconds, by cause (lease_expired,"
                        + " process_exited, fenced); coordinator.")
                .labelNames("cause").classicOnly().classicUpperBounds(PHASE_BUCKETS).register(registry);
        jobSuperstep = Gauge.builder().name("graphagent_job_superstep")
                .help("The last superstep a job completed, by job.").labelNames("job").register(registry);
        jobLastProgress = Gauge.builder().name("graphagent_job_last_progress_timestamp_seconds")
                .help("Unix time of a job's last progress (state change or superstep), by job.").labelNames("job")
                .register(registry);
        GaugeWithCallback.builder().name("graphagent_job_running")
                .help("1 while a job is loading, running or writing output, else 0.")
                .callback(cb -> cb.call(jobStates.values().stream().anyMatch(ClusterMetrics::active) ? 1 : 0))
                .register(registry);
        certificateExpiry = Gauge.builder().name("graphagent_certificate_expiry_timestamp_seconds")
                .help("Unix time at which this process's own TLS certificate expires, by role.").labelNames("role")
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** The registry to expose on {@code /metrics}. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Feeds the coordinator's metrics from its membership and failure counters. */
    public void observeCoordinator(Membership membership, CauseCounter causes) {
        agents = membership::statuses;
        membership.addListener((agent, from, to, cause) -> {
            transitions.labelValues(to.name(), cause).inc();
            if (to == AgentState.DEAD) {
                leaseExpiries.labelValues(cause).inc();
                for (AgentStatus status : membership.statuses()) {
                    if (status.getAgentId().equals(agent)) {
                        detection.labelValues(cause).observe(status.getLastHeartbeatAgeMs() / 1000.0);
                    }
                }
            }
        });
        CounterWithCallback.builder().name("graphagent_fenced_reports_total")
                .help("Reports and messages of an older session or job epoch, refused; coordinator.")
                .callback(cb -> cb.call(membership.refusedReports())).register(registry);
        causes.addListener((cause, total) -> {
            if (cause.isTls()) {
                tlsFailures.labelValues(cause.label()).inc();
            }
        });
    }

    /** Observes each live agent's last round trip once; the coordinator calls it every heartbeat interval. */
    public void sampleRoundTrips() {
        for (AgentStatus status : agents.get()) {
            if (status.getState() == AgentState.ALIVE && status.getRttMicros() > 0) {
                heartbeatRtt.observe(status.getRttMicros() / 1e6);
            }
        }
    }

    /** Feeds an agent's metrics from its session client; call before the client starts. */
    public void observeAgent(SessionClient client) {
        client.onRoundTrip(rtt -> {
            heartbeatRtt.observe(rtt.toNanos() / 1e9);
            ownSkew = Map.of(client.agentId(), client.clockOffset().toMillis() / 1000.0);
        });
        client.causes().addListener((cause, total) -> {
            reconnects.labelValues(cause.label()).inc();
            if (cause.isTls()) {
                tlsFailures.labelValues(cause.label()).inc();
            }
        });
    }

    /**
     * Feeds an agent's checkpoint-copy metrics ({@code job.checkpoint-storage: peer-copy}) from
     * its counters: bytes copied to and stored for peers, files fetched at restores, failures.
     */
    public void observeCheckpointCopies(ReplicaCounters counters) {
        CounterWithCallback.builder().name("graphagent_checkpoint_copy_bytes_total")
                .help("Agent: checkpoint bytes copied to the peer that keeps the copy (sent, confirmed stored) and"
                        + " stored as copies of peers' checkpoints (received, CRC checked).")
                .labelNames("direction").callback(cb -> {
                    cb.call(counters.copiedBytes(), "sent");
                    cb.call(counters.storedBytes(), "received");
                }).register(registry);
        CounterWithCallback.builder().name("graphagent_checkpoint_fetches_total")
                .help("Agent: checkpoint files fetched from a peer to restore a checkpoint after a lost agent.")
                .callback(cb -> cb.call(counters.fetchedFiles())).register(registry);
        CounterWithCallback.builder().name("graphagent_checkpoint_fetch_bytes_total")
                .help("Agent: bytes of the checkpoint files fetched from peers.")
                .callback(cb -> cb.call(counters.fetchedBytes())).register(registry);
        CounterWithCallback.builder().name("graphagent_checkpoint_copy_failures_total")
                .help("Agent: checkpoint copies and fetches that failed, on either end (peer gone, disk full, checksum).")
                .callback(cb -> cb.call(counters.failures())).register(registry);
    }

    /** Records when this process's certificate for {@code role} expires. */
    public void certificateExpires(String role, java.time.Instant notAfter) {
        certificateExpiry.labelValues(role).set(notAfter.getEpochSecond());
    }

    @Override
    public void stateChanged(String job, JobState state, String detail) {
        jobStates.put(job, state);
        jobLastProgress.labelValues(job).set(clock.millis() / 1000.0);
    }

    @Override
    public void superstepDone(String job, int step, long millis, long messages, long bytes) {
        superstepDuration.observe(millis / 1000.0);
        messagesSent.inc(messages);
        messagesReceived.inc(messages);
        bytesSent.inc(bytes);
        bytesReceived.inc(bytes);
        jobSuperstep.labelValues(job).set(step);
        jobLastProgress.labelValues(job).set(clock.millis() / 1000.0);
    }

    @Override
    public void checkpointDone(String job, int step, long millis, long bytes) {
        checkpointDuration.observe(millis / 1000.0);
        checkpointBytes.inc(bytes);
    }

    @Override
    public void recovered(String job, int resumeStep, int redone, long millis) {
        recoveryDuration.observe(millis / 1000.0);
        superstepsRedone.inc(redone);
        jobLastProgress.labelValues(job).set(clock.millis() / 1000.0);
    }

    private static boolean active(JobState state) {
        return state == JobState.LOADING || state == JobState.RUNNING || state == JobState.WRITING_OUTPUT;
    }

    /** How often the coordinator samples round trips: its heartbeat interval. */
    public static Duration samplePeriod(Duration heartbeatInterval) {
        return heartbeatInterval.isZero() ? Duration.ofSeconds(1) : heartbeatInterval;
    }
}
