package io.graphagent.coordinator.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.etcd.EtcdKeys;
import io.graphagent.coordinator.etcd.ProtoText;
import io.graphagent.protocol.LeaderTerm;
import io.graphagent.protocol.v1.StoredCoordinator;
import io.graphagent.protocol.v1.StoredLeader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election of the coordinators through etcd. Each process holds a {@link ProcessLease}
 * and its {@code coordinators/ID} key; while no leader key exists it campaigns with one
 * transaction: <em>if the leader key is absent and the term key unchanged since read, put the
 * leader key (bound to the lease) and the term + 1</em>. Exactly one campaigner wins a term.
 * The winner renews its lease every third of the TTL; when a renewal fails and the lease can
 * no longer be running, or when it wakes from a pause past the TTL, it is deposed and
 * campaigns again like any standby. Every process watches the leader key: when etcd deletes
 * it (one TTL after the dead leader's last renewal, checked by etcd every 500 ms) a standby
 * campaigns at once, without waiting for its next look. The looks every
 * {@link #pollInterval(Duration)} stay as the fallback for a watch that is being re-established.
 *
 * <p>One thread, {@code coordinator-election}, does all of it; the {@link Listener} is told of
 * elections and depositions on that thread and must hand long work elsewhere. Time from the
 * injected clock. Thread-safe.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    /** Told of this process's elections and depositions, on the election thread; must not block. */
    public interface Listener {
        void elected(Leadership leadership);

        void deposed(Leadership leadership, String why);
    }

    private final EtcdConnection etcd;
    private final EtcdKeys keys;
    private final StoredCoordinator self;
    private final Duration ttl;
    private final Clock clock;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private final Duration poll;
    private Watch.Watcher leaderWatch;

    // Confined to the election thread, published through volatiles where read elsewhere.
    private ProcessLease lease;
    private Instant lastRenewalAsked = Instant.MIN;
    private volatile Leadership leadership;
    private volatile Optional<StoredLeader> leader = Optional.empty();
    private volatile String etcdProblem = "";
    private Instant leaderGoneAt;
    private ScheduledFuture<?> ticks;

    /**
     * @param self     this coordinator's id and addresses, put under coordinators/ID
     * @param ttl      coordinator.etcd.election-ttl (whole seconds)
     */
    public LeaderElection(EtcdConnection etcd, StoredCoordinator self, Duration ttl, Clock clock, Listener listener) {
        this(etcd, self, ttl, pollInterval(ttl), clock, listener);
    }

    /** With the fallback look every {@code poll} instead of {@link #pollInterval(Duration)} (tests of the watch). */
    LeaderElection(EtcdConnection etcd, StoredCoordinator self, Duration ttl, Duration poll, Clock clock, Listener listener) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.keys = etcd.keys();
        this.self = Objects.requireNonNull(self, "self");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.poll = Objects.requireNonNull(poll, "poll");
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, "coordinator-election");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
    }

    /**
     * How often a standby looks for the leader key and a leader checks its lease: an eighth of
     * the TTL, at most 250 ms, so that a successor campaigns well within the "TTL + 1 s" of a
     * failover and a woken leader notices its deposition at once.
     */
    static Duration pollInterval(Duration ttl) {
        Duration eighth = ttl.dividedBy(8);
        return eighth.compareTo(Duration.ofMillis(250)) < 0 ? eighth : Duration.ofMillis(250);
    }

    /** Starts campaigning; returns at once. */
    public void start() {
        leaderWatch = etcd.client().getWatchClient().watch(EtcdConnection.bytes(keys.leader()), WatchOption.DEFAULT,
                Watch.listener(changed -> lookNow(), failed -> log.debug("event=leader_watch_failed detail=\"{}\"",
                        failed.toString())));
        ticks = thread.scheduleWithFixedDelay(this::tick, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The current leadership of this process, if it leads. */
    public Optional<Leadership> leadership() {
        Leadership l = leadership;
        return l != null && l.valid() ? Optional.of(l) : Optional.empty();
    }

    /** The leader as last read from etcd (this process or another); empty during an election. */
    public Optional<StoredLeader> leader() {
        return leader;
    }

    /** Why the last etcd call failed, or empty while etcd answers. */
    public String etcdProblem() {
        return etcdProblem;
    }

    /** This coordinator's registration. */
    public StoredCoordinator self() {
        return self;
    }

    /** The leader key changed (deleted: its lease ran out or was revoked; or put): look and campaign now. */
    private void lookNow() {
        try {
            thread.execute(this::tick);
        } catch (RejectedExecutionException stopping) {
            // Closed: nothing to look for.
        }
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            if (lease == null || lease.expiredAt(now)) {
                if (leadership != null) {
                    deposeNow("the election lease ran out before it was renewed ("
                            + (lease == null ? "none" : emptyAs(lease.lastProblem(), "the process was paused or starved")) + ")");
                }
                lease = ProcessLease.grant(etcd, ttl, clock);
                lastRenewalAsked = now;
                etcd.await(etcd.kv().put(EtcdConnection.bytes(keys.coordinator(self.getCoordinatorId())),
                        EtcdConnection.bytes(ProtoText.print(self)), PutOption.builder().withLeaseId(lease.id()).build()),
                        "register this coordinator");
                // The first calls of a new client can take seconds (connecting, warming up): renew at once so the
                // lease counts from now, not from when the grant was asked for.
                lastRenewalAsked = clock.instant();
                lease.renew();
                log.info("event=coordinator_registered coordinator={} lease={} ttl_s={}", self.getCoordinatorId(),
                        Long.toHexString(lease.id()), ttl.toSeconds());
            } else if (!now.isBefore(lastRenewalAsked.plus(ttl.dividedBy(3)))) {
                lastRenewalAsked = now;
                lease.renew();
            }
            readLeader();
            if (leadership == null && leader.isEmpty()) {
                if (!lease.validAt(clock.instant().plus(ttl.dividedBy(2)))) {
                    // Never win with a lease about to run out.
                    lastRenewalAsked = clock.instant();
                    lease.renew();
                }
                campaign();
            } else if (leadership != null && leader.map(l -> l.getTerm() != leadership.term().value()).orElse(true)) {
                deposeNow("the leader key no longer names this coordinator's " + leadership.term());
            }
            etcdProblem = "";
        } catch (EtcdException e) {
            etcdProblem = e.getMessage();
            log.warn("event=etcd_call_failed coordinator={} leading={} detail=\"{}\"", self.getCoordinatorId(),
                    leadership != null, e.getMessage());
            if (leadership != null && (lease == null || lease.expiredAt(clock.instant()))) {
                deposeNow("the election lease could not be renewed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            etcdProblem = e.toString();
            log.error("event=election_tick_failed detail=\"{}\"", e.toString(), e);
        }
    }

    private void readLeader() throws EtcdException {
        Optional<StoredLeader> was = leader;
        leader = CoordinatorDirectory.leader(etcd);
        if (was.isPresent() && leader.isEmpty()) {
            leaderGoneAt = clock.instant();
        }
    }

    private void campaign() throws EtcdException {
        ByteSequence termKey = EtcdConnection.bytes(keys.term());
        ByteSequence leaderKey = EtcdConnection.bytes(keys.leader());
        GetResponse termRead = etcd.await(etcd.kv().get(termKey), "read the leader term");
        long last = 0;
        long termRevision = 0;
        if (!termRead.getKvs().isEmpty()) {
            KeyValue kv = termRead.getKvs().getFirst();
            last = Long.parseLong(EtcdConnection.text(kv.getValue()).strip());
            termRevision = kv.getModRevision();
        }
        LeaderTerm term = LeaderTerm.of(last).next();
        StoredLeader record = StoredLeader.newBuilder()
                .setCoordinatorId(self.getCoordinatorId())
                .setAddress(self.getAddress())
                .setAdminAddress(self.getAdminAddress())
                .setTerm(term.value())
                .setElectedTimeMs(clock.millis())
                .build();
        TxnResponse won = etcd.await(etcd.kv().txn()
                .If(new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.version(0)),
                        new Cmp(termKey, Cmp.Op.EQUAL, CmpTarget.modRevision(termRevision)))
                .Then(Op.put(leaderKey, EtcdConnection.bytes(ProtoText.print(record)),
                                PutOption.builder().withLeaseId(lease.id()).build()),
                        Op.put(termKey, EtcdConnection.bytes(Long.toString(term.value())), PutOption.DEFAULT))
                .commit(), "campaign for the leadership");
        if (!won.isSucceeded()) {
            log.debug("event=campaign_lost coordinator={} term={}", self.getCoordinatorId(), term.value());
            return;
        }
        Leadership won2 = new Leadership(term, keys.leader(), won.getHeader().getRevision(), lease, clock);
        leadership = won2;
        leader = Optional.of(record);
        log.info("event=leader_elected coordinator={} term={} lease={} revision={} leader_gone_ms_ago={}", self.getCoordinatorId(),
                term.value(), Long.toHexString(lease.id()), won.getHeader().getRevision(),
                leaderGoneAt == null ? "-" : Duration.between(leaderGoneAt, clock.instant()).toMillis());
        leaderGoneAt = null;
        listener.elected(won2);
    }

    private void deposeNow(String why) {
        Leadership was = leadership;
        leadership = null;
        if (was == null) {
            return;
        }
        was.depose(why);
        log.warn("event=leader_deposed coordinator={} term={} detail=\"{}\"", self.getCoordinatorId(), was.term().value(), why);
        listener.deposed(was, why);
    }

    /**
     * Gives up the leadership now (the leader could not start): deposes it, revokes the lease so
     * another coordinator is elected at once, and campaigns again with a fresh lease.
     */
    public void resign(String why) {
        thread.execute(() -> {
            deposeNow(why);
            if (lease != null) {
                lease.revoke();
                lease = null;
            }
        });
    }

    /** Stops the election thread as a killed process would: no resignation, the lease just stops being renewed. Tests only. */
    void halt() {
        if (leaderWatch != null) {
            leaderWatch.close();
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        thread.shutdownNow();
    }

    private static String emptyAs(String text, String otherwise) {
        return text.isEmpty() ? otherwise : text;
    }

    /**
     * Stops campaigning; a leader resigns (its lease is revoked, so a standby takes over at once
     * instead of after a TTL). Idempotent; waits for the election thread.
     */
    @Override
    public void close() {
        if (leaderWatch != null) {
            leaderWatch.close();
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        try {
            thread.submit(() -> {
                if (leadership != null) {
                    deposeNow("this coordinator is stopping");
                }
                if (lease != null) {
                    lease.revoke();
                }
            }).get(etcd.callTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("event=election_close_incomplete detail=\"{}\"", e.toString());
        }
        thread.shutdownNow();
    }
}
