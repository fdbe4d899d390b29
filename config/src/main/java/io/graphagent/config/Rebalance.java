package io.graphagent.config;

import java.util.Locale;

/**
 * Whether a running job takes in agents that join after it started (config
 * {@code job.rebalance}).
 */
public enum Rebalance {
    /**
     * At the next complete checkpoint after an agent joins, the partitions are dealt again over
     * every ALIVE agent and the job goes on from that checkpoint: a new agent takes its share,
     * for one reload of the graph (each agent reads its splits again).
     */
    ON_JOIN,
    /** A job keeps the agents it started with (and the survivors of losses). */
    NEVER;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "on-join or never";

    /** The name in configuration files: {@code on-join}, {@code never}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code on-join} or {@code never} (case-insensitive). */
    public static Rebalance parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Rebalance r : values()) {
            if (r.configName().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
