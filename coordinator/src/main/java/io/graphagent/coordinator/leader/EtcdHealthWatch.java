package io.graphagent.coordinator.leader;

import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdProbe;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the etcd cluster every {@link #PERIOD}: each member's reachability and whether a
 * quorum serves reads. A member lost while the quorum holds is only worth an event
 * ({@code etcd_member_down}, {@code etcd_member_back}); a lost quorum means no job can be
 * admitted and no leader elected ({@code etcd_quorum_lost}, {@code etcd_quorum_back}), shown
 * in status and doctor and counted by a metric. Changes go to the {@link Listener} on the
 * {@code etcd-health} thread. Thread-safe.
 */
public final class EtcdHealthWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdHealthWatch.class);

    /** How often the cluster is probed: a lost member or quorum is seen within this plus a call timeout. */
    public static final Duration PERIOD = Duration.ofSeconds(1);

    /** Told of every change of the etcd cluster's health. */
    public interface Listener {
        /**
         * @param event  {@code etcd_member_down}, {@code etcd_member_back}, {@code etcd_quorum_lost} or {@code etcd_quorum_back}
         * @param detail one line: which member, or why
         */
        void changed(String event, String detail);
    }

    private final EtcdConnection etcd;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("etcd-health").daemon(true).factory());
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile EtcdProbe.Health last;

    public EtcdHealthWatch(EtcdConnection etcd) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::probe, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Empty while a quorum answers; else why not, with the fix. */
    public String problem() {
        EtcdProbe.Health h = last;
        return h == null || h.quorum() ? "" : noQuorum(h.problem());
    }

    /**
     * The words for etcd without a quorum, given the call that went unanswered (its message names
     * the endpoints and the fix): the same whether this watch found it or a write did first.
     */
    public static String noQuorum(String unanswered) {
        return "etcd has no quorum: " + unanswered;
    }

    /** Whether the last probe found a quorum (true before the first). */
    public boolean quorum() {
        EtcdProbe.Health h = last;
        return h == null || h.quorum();
    }

    /** Members that did not answer the last probe. */
    public int membersDown() {
        EtcdProbe.Health h = last;
        return h == null ? 0 : h.down().size();
    }

    private void probe() {
        try {
            EtcdProbe.Health now = EtcdProbe.check(etcd);
            EtcdProbe.Health before = last;
            last = now;
            for (EtcdProbe.Endpoint e : now.endpoints()) {
                boolean wasUp = before == null || before.endpoints().stream()
                        .anyMatch(b -> b.url().equals(e.url()) && b.reachable());
                if (wasUp && !e.reachable()) {
                    tell("etcd_member_down", "etcd member " + e.url() + " does not answer (" + e.problem() + ")");
                } else if (!wasUp && e.reachable() && before != null) {
                    tell("etcd_member_back", "etcd member " + e.url() + " answers again");
                }
            }
            boolean hadQuorum = before == null || before.quorum();
            if (hadQuorum && !now.quorum()) {
                tell("etcd_quorum_lost", "etcd has no quorum: no job is admitted and no leader can be elected until a"
                        + " majority of its members runs again (" + now.problem() + ")");
            } else if (!hadQuorum && now.quorum()) {
                tell("etcd_quorum_back", "etcd has a quorum again: jobs are admitted and the leader carries on");
            }
        } catch (RuntimeException e) {
            log.error("event=etcd_probe_failed detail=\"{}\"", e.toString(), e);
        }
    }

    private void tell(String event, String detail) {
        if (event.endsWith("back")) {
            log.info("event={} detail=\"{}\"", event, detail);
        } else {
            log.warn("cause={} event={} detail=\"{}\"", event, event, detail);
        }
        for (Listener l : listeners) {
            try {
                l.changed(event, detail);
            } catch (RuntimeException e) {
                log.warn("event=etcd_health_listener_failed detail=\"{}\"", e.toString(), e);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
