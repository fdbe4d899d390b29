package io.graphagent.coordinator.job;

import io.graphagent.protocol.v1.StoredJob;

/**
 * Where a job's durable record goes: the state directory's job store, or nowhere for a
 * coordinator without one. Called on the {@code job-driver} thread at every state change and
 * complete checkpoint; a journal that cannot write logs it and returns (the job carries on; a
 * restart would then resume it from the last record that was written).
 */
@FunctionalInterface
interface JobJournal {

    /** A journal that keeps nothing. */
    JobJournal NONE = job -> { };

    void save(StoredJob job);
}
