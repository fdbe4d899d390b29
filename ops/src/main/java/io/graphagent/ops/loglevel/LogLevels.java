package io.graphagent.ops.loglevel;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Reads and changes logback levels at runtime, for {@code /api/loggers} and
 * {@code graphagent log-level}. A change lasts until the process exits. Thread-safe (logback's
 * levels are).
 */
public final class LogLevels {
    /** The loggers docs/operations.md names, settable before the first line they log (created on first use). */
    private static final java.util.Set<String> DOCUMENTED = java.util.Set.of("graphagent.wire", "graphagent.timing");

    private LogLevels() {
    }

    /** Every logger logback knows, with its configured level (or empty) and effective level. */
    public static Map<String, Map<String, String>> all() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Logger logger : context().getLoggerList()) {
            out.put(logger.getName(), describe(logger));
        }
        return out;
    }

    /**
     * Whether logback knows {@code name} (a logger some class uses, or a package above one, or
     * ROOT): so that a typo is named rather than answered with the root's level.
     */
    public static boolean exists(String name) {
        return name.equalsIgnoreCase(Logger.ROOT_LOGGER_NAME) || DOCUMENTED.contains(name) || context().exists(name) != null;
    }

    /** One logger (created if logback did not know it yet, as logback does). */
    public static Map<String, String> get(String name) {
        return describe(context().getLogger(name));
    }

    /**
     * Sets {@code name} to {@code level}; {@code null} or {@code INHERIT} clears it so the parent's applies.
     *
     * @throws IllegalArgumentException for a word that is not a level
     */
    public static Map<String, String> set(String name, String level) {
        Level parsed = null;
        if (level != null && !level.equalsIgnoreCase("INHERIT") && !level.equalsIgnoreCase("NULL")) {
            parsed = Level.toLevel(level, null);
            if (parsed == null) {
                throw new IllegalArgumentException("unknown level '" + level
                        + "': use TRACE, DEBUG, INFO, WARN, ERROR, OFF or INHERIT");
            }
        }
        Logger logger = context().getLogger(name);
        if (parsed == null && logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
            throw new IllegalArgumentException("the root logger cannot inherit: give it a level");
        }
        logger.setLevel(parsed);
        return describe(logger);
    }

    private static Map<String, String> describe(Logger logger) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("configured", logger.getLevel() == null ? "" : logger.getLevel().toString());
        d.put("effective", logger.getEffectiveLevel().toString());
        return d;
    }

    private static LoggerContext context() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("logging is not backed by logback; runtime levels are unavailable");
    }
}
