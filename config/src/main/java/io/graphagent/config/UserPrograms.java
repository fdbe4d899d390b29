package io.graphagent.config;

import java.util.Locale;

/**
 * Whether the cluster runs users' own vertex programs (config {@code job.user-programs}): code
 * from a jar a client uploads with {@code graphagent submit --program}, run inside every agent's
 * JVM with the agent's rights (its files, its network). Only a client certificate of the
 * cluster's CA may upload one either way, and never over {@code --insecure}.
 */
public enum UserPrograms {
    /**
     * The default: a holder of a client certificate already chooses what the cluster reads and
     * writes (within job.input-roots and job.output-roots), so the certificate is the trust
     * boundary; a program cannot run without one.
     */
    ALLOW,
    /** Only the built-in kernels run: for clusters whose client certificates go to people who may not run code there. */
    DENY;

    /** Accepted spellings, for error messages. */
    public static final String EXPECTED = "allow or deny";

    /** The name in configuration files: {@code allow}, {@code deny}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code allow} or {@code deny} (case-insensitive). */
    public static UserPrograms parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (UserPrograms u : values()) {
            if (u.configName().equals(t)) {
                return u;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not " + EXPECTED);
    }
}
