package io.graphagent.coordinator.store;

import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.leader.FencedWrites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's writes that may lag a little (sessions, the agent registry, known agents):
 * queued per key, the newest value of a key replacing an older one not yet written, and
 * committed every {@value #PERIOD_MS} ms in fenced transactions of up to {@value #BATCH} keys
 * on the {@code etcd-writer} thread. A storm of thousands of reconnecting agents thus costs a
 * few dozen transactions, not thousands. Writes that etcd did not take are kept and tried
 * again; once the leadership is over the queue is dropped. Thread-safe.
 */
final class EtcdWriteBehind implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdWriteBehind.class);

    /** Milliseconds between flushes: small against any lease, large enough to batch a burst. */
    static final int PERIOD_MS = 50;
    /** Keys per transaction; etcd refuses more than 128 operations in one (--max-txn-ops). */
    static final int BATCH = 100;

    /** A put (value, with a lease id or 0) or a delete (value null). */
    private record Pending(String value, long leaseId) {
    }

    private final FencedWrites writes;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("etcd-writer").daemon(true).factory());
    // Guarded by this.
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private boolean stopped;

    EtcdWriteBehind(FencedWrites writes) {
        this.writes = writes;
        thread.scheduleWithFixedDelay(this::flush, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    synchronized void put(String key, String value, long leaseId) {
        if (!stopped) {
            pending.remove(key);
            pending.put(key, new Pending(value, leaseId));
        }
    }

    synchronized void delete(String key) {
        if (!stopped) {
            pending.remove(key);
            pending.put(key, new Pending(null, 0));
        }
    }

    /** Keys waiting to be written. */
    synchronized int backlog() {
        return pending.size();
    }

    private void flush() {
        while (true) {
            Map<String, Pending> batch = new LinkedHashMap<>();
            synchronized (this) {
                Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
                while (it.hasNext() && batch.size() < BATCH) {
                    Map.Entry<String, Pending> e = it.next();
                    batch.put(e.getKey(), e.getValue());
                    it.remove();
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            List<Op> ops = new ArrayList<>(batch.size());
            batch.forEach((key, p) -> ops.add(p.value() == null
                    ? Op.delete(EtcdConnection.bytes(key), DeleteOption.DEFAULT)
                    : Op.put(EtcdConnection.bytes(key), EtcdConnection.bytes(p.value()),
                    p.leaseId() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(p.leaseId()).build())));
            try {
                writes.commit("write " + ops.size() + " session and registry keys", ops.toArray(Op[]::new));
            } catch (FencedWrites.RefusedException e) {
                if (e.deposed()) {
                    synchronized (this) {
                        stopped = true;
                        pending.clear();
                    }
                    log.warn("event=registry_writes_dropped keys={} detail=\"{}\"", batch.size(), e.getMessage());
                    return;
                }
                synchronized (this) {
                    Map<String, Pending> newer = new LinkedHashMap<>(pending);
                    pending.clear();
                    batch.forEach(pending::put);
                    pending.putAll(newer);
                }
                log.warn("event=registry_writes_delayed keys={} detail=\"{}\"", batch.size(), e.getMessage());
                return;
            }
        }
    }

    /** Writes what is queued (bounded by {@code wait}) and stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        synchronized (this) {
            stopped = true;
        }
    }
}
