package io.graphagent.config;

import java.util.Locale;

/**
 * Whether an agent warms its data plane when it starts (config {@code agent.warmup}): a bounded
 * loopback exchange through its own data-plane server, so that the JIT has compiled the
 * exchange's code (gRPC, HTTP/2 framing, TLS, batch packing and filing) before the first jobs
 * instead of during them. It costs CPU at every agent start and never delays a job: the first
 * command from the coordinator ends it.
 */
public enum Warmup {
    /** Warm up at start, until the bound of work or the first command. */
    ON,
    /** Start cold: the first jobs run the data plane in the interpreter and C1 code. */
    OFF;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "on or off";

    /** The name in configuration files: {@code on}, {@code off}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code on} or {@code off} (case-insensitive). */
    public static Warmup parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Warmup w : values()) {
            if (w.configName().equals(t)) {
                return w;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
