package io.graphagent.config;

import java.util.Locale;

/** Where the coordinator keeps its state (config {@code coordinator.store}). */
public enum StoreKind {
    /**
     * The state directory {@code coordinator.state-dir}: one coordinator, nothing else to run.
     * A lost coordinator comes back only when something restarts it on the same directory.
     */
    LOCAL,
    /**
     * An etcd cluster ({@code coordinator.etcd.*}): any number of coordinators, one leads
     * (elected through an etcd lease), the others stand by and take over within the election
     * TTL. Costs an etcd cluster (three members to survive the loss of one).
     */
    ETCD;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "local or etcd";

    /** The name in configuration files: {@code local}, {@code etcd}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code local} or {@code etcd} (case-insensitive). */
    public static StoreKind parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (StoreKind s : values()) {
            if (s.configName().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
