package io.graphagent.config;

import java.util.Locale;

/**
 * How agents read a job's input (config {@code job.input-transfer}): every agent parses only
 * its byte-range splits of the files, either at the path the client named (on the
 * coordinator's machine) or streamed to it by the coordinator.
 */
public enum InputTransfer {
    /**
     * Each agent reads the path when it can and asks the coordinator for its splits when it
     * cannot (another machine, no shared file system), logging one line that says so.
     */
    AUTO,
    /** Every agent reads the path itself (one machine, or a shared or copied file system). */
    SHARED,
    /**
     * Every agent gets its splits from the coordinator, which reads them: no shared file system
     * needed, for sending the input once over the network from the coordinator.
     */
    STREAM;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "auto, shared or stream";

    /** The name in configuration files: {@code auto}, {@code shared}, {@code stream}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code auto}, {@code shared} or {@code stream} (case-insensitive). */
    public static InputTransfer parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (InputTransfer s : values()) {
            if (s.configName().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
