package io.graphagent.coordinator.store;

import io.graphagent.protocol.v1.StoredJob;

/**
 * Where the job scheduler records its jobs: the state directory's {@link JobStore}, or etcd
 * (every write fenced by the leadership). Thread-safe.
 */
@FunctionalInterface
public interface JobRecords {

    /** Replaces the record of {@code job.job_id}, durably. */
    void save(StoredJob job) throws StoreException;
}
