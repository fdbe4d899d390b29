package io.graphagent.coordinator.session;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire-trace logger {@value #LOGGER}: at DEBUG it logs every message of every session
 * stream, one line each with the direction, the agent, the message type and its fields
 * (cut at {@value #MAX_FIELDS_CHARS} characters). Off by default; turned on at runtime with
 * {@code graphagent log-level --admin HOST:PORT graphagent.wire DEBUG}. Callers guard with
 * {@link #on()}, so a disabled trace costs one level check per message. Thread-safe.
 */
public final class WireTrace {

    /** Name of the logger; not a class name, so turning it on never drags other loggers along. */
    public static final String LOGGER = "graphagent.wire";

    /** Longest rendering of a message's fields; large commands would otherwise flood the log. */
    static final int MAX_FIELDS_CHARS = 240;

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private WireTrace() {
    }

    /** True when the trace is on. */
    public static boolean on() {
        return log.isDebugEnabled();
    }

    /** Logs one message; {@code direction} is {@code in} (from the agent) or {@code out}. */
    public static void message(String direction, String agent, String type, MessageOrBuilder message) {
        String fields = TextFormat.shortDebugString(message);
        if (fields.length() > MAX_FIELDS_CHARS) {
            fields = fields.substring(0, MAX_FIELDS_CHARS) + "...";
        }
        log.debug("event=wire dir={} agent={} type={} fields=\"{}\"", direction, agent.isEmpty() ? "-" : agent, type,
                fields.replace('"', '\''));
    }
}
