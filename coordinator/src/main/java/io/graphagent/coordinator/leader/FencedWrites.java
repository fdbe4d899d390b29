package io.graphagent.coordinator.leader;

import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.graphagent.coordinator.etcd.EtcdConnection;
import io.graphagent.coordinator.etcd.EtcdException;
import io.graphagent.coordinator.store.StoreException;
import io.graphagent.coordinator.store.StoreException.Reason;
import java.util.Objects;

/**
 * Every write a leader makes to etcd: one transaction conditioned on its {@link Leadership}
 * ({@link Leadership#fence()}: the leader key is still the one it created), and not even sent
 * once the leadership is locally known to be over. A deposed leader, however long it slept,
 * writes nothing. Thread-safe.
 */
public final class FencedWrites {

    /**
     * A write refused because this coordinator no longer leads, or etcd did not take it: it did
     * not answer ({@link Reason#UNAVAILABLE}, no quorum) or refused the connection.
     */
    public static final class RefusedException extends StoreException {
        private static final long serialVersionUID = 1L;
        private final boolean deposed;

        private RefusedException(String message, boolean deposed, Throwable cause, Reason reason, String storeProblem) {
            super(message, cause, reason, storeProblem);
            this.deposed = deposed;
        }

        /** True when the leadership is over (nothing will ever succeed); false when etcd did not answer. */
        public boolean deposed() {
            return deposed;
        }
    }

    private final EtcdConnection etcd;
    private final Leadership leadership;

    public FencedWrites(EtcdConnection etcd, Leadership leadership) {
        this.etcd = Objects.requireNonNull(etcd, "etcd");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
    }

    public Leadership leadership() {
        return leadership;
    }

    /**
     * Commits {@code ops} if this coordinator still leads.
     *
     * @param what the write in words, for messages ("record job-3")
     * @throws RefusedException when the leadership is over (deposed) or etcd did not answer
     */
    public TxnResponse commit(String what, Op... ops) throws RefusedException {
        if (!leadership.valid()) {
            throw deposed(what, leadership.deposedBecause());
        }
        TxnResponse response;
        try {
            response = etcd.await(etcd.kv().txn().If(leadership.fence()).Then(ops).commit(), what);
        } catch (EtcdException e) {
            throw new RefusedException("could not " + what + ": " + e.getMessage(), false, e,
                    e.unavailable() ? Reason.UNAVAILABLE : Reason.FAILED, EtcdHealthWatch.noQuorum(e.getMessage()));
        }
        if (!response.isSucceeded()) {
            leadership.depose("a write was refused by its fence: another coordinator was elected");
            throw deposed(what, leadership.deposedBecause());
        }
        return response;
    }

    private RefusedException deposed(String what, String why) {
        return new RefusedException("could not " + what + ": this coordinator no longer leads (" + leadership.term()
                + "; " + why + "). Fix: nothing; the current leader carries on", true, null, Reason.DEPOSED, "");
    }
}
