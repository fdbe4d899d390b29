package io.graphagent.coordinator.session;

import io.graphagent.protocol.LeaderTerm;
import io.graphagent.protocol.v1.ControlPlane;

/**
 * The control plane as the coordinator service shows it: the leader term stamped on every
 * Welcome, the store's kind and (etcd store) the leader and standbys for Status. Thread-safe;
 * {@link #controlPlane()} may call etcd (bounded).
 */
public interface ControlPlaneView {

    /** The local store's single coordinator: term 0, no control plane. */
    ControlPlaneView LOCAL = new ControlPlaneView() {
        @Override
        public LeaderTerm term() {
            return LeaderTerm.NONE;
        }

        @Override
        public String store() {
            return "local";
        }

        @Override
        public ControlPlane controlPlane() {
            return ControlPlane.getDefaultInstance();
        }
    };

    LeaderTerm term();

    /** {@code local} or {@code etcd}. */
    String store();

    /** Leader, standbys and etcd health (empty message for the local store). */
    ControlPlane controlPlane();

    /**
     * Why no job may be admitted now, empty while jobs are: with the etcd store, etcd has no
     * quorum (nothing can be recorded, and the leader's lease cannot be renewed). Bounded: at
     * most one call to etcd, and none while etcd is known healthy.
     */
    default String admissionProblem() {
        return "";
    }

    /** This coordinator's id in the control plane, for refusals (empty for the local store). */
    default String coordinatorId() {
        return "";
    }
}
