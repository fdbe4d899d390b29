package io.graphagent.config;

import java.util.Locale;

/**
 * How the query gateway picks the replica of a partition for each request (config
 * {@code query.routing}).
 */
public enum QueryRouting {
    /**
     * The live replica with the least cost, (in-flight requests + 1) x recent latency as the
     * agents report them; hot partitions gain a replica. Spreads a skewed load by how busy
     * each agent is, at the price of a little bookkeeping per request.
     */
    HEAT,
    /** The live replicas in turn, whatever their load, and no extra replicas: the baseline heat routing is measured against. */
    ROUND_ROBIN;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "heat or round-robin";

    /** The name in configuration files: {@code heat}, {@code round-robin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code heat} or {@code round-robin} (case-insensitive). */
    public static QueryRouting parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (QueryRouting r : values()) {
            if (r.configName().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
