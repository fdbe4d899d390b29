package io.graphagent.config;

import java.util.Objects;

/**
 * Section {@code cluster}: what makes one cluster distinct from another.
 *
 * @param id the cluster's name. An agent whose id differs from the coordinator's is
 *     rejected (CLUSTER_MISMATCH), which keeps a test agent out of a production cluster
 *     that happens to share a CA. Letters, digits, {@code . _ -}.
 */
public record ClusterConfig(String id) {

    public ClusterConfig {
        Objects.requireNonNull(id, "id");
    }
}
