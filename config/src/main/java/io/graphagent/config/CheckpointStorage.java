package io.graphagent.config;

import java.util.Locale;

/**
 * Where a job's checkpoints live, so that they survive the loss of the agent that wrote
 * them (config {@code job.checkpoint-storage}).
 */
public enum CheckpointStorage {
    /**
     * Every agent writes to {@code job.checkpoint-dir}, a directory all agents and the
     * coordinator see (one machine, or a network file system): a survivor reads a lost
     * agent's files from there. Costs nothing beyond the write, but a directory that is not
     * in fact shared loses the lost agent's checkpoint.
     */
    SHARED,
    /**
     * Every agent writes to its own {@code agent.work-dir} and streams a copy of each file to
     * the next agent (by id, in a ring); a checkpoint counts only once every file is written
     * and copied. Works without a shared disk and survives the loss of any one agent, for
     * sending each checkpoint over the network once more and fetching files at recovery.
     */
    PEER_COPY;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "shared or peer-copy";

    /** The name in configuration files: {@code shared}, {@code peer-copy}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code shared} or {@code peer-copy} (case-insensitive). */
    public static CheckpointStorage parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (CheckpointStorage s : values()) {
            if (s.configName().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
