package io.graphagent.ops.doctor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.graphagent.net.cause.DisconnectCause;
import java.util.Objects;
import java.util.Optional;

/**
 * One check's verdict with what was measured and, unless it passed, the fix. Immutable.
 *
 * @param check    short stable name, e.g. {@code tls-handshake}
 * @param verdict  PASS, WARN, FAIL or SKIPPED
 * @param measured what was observed, with units, or the skip reason
 * @param fix      what to do about it; empty for PASS and SKIPPED
 * @param cause    the connection-failure cause of a FAIL, when one applies
 */
public record CheckResult(String check, Verdict verdict, String measured, String fix, Optional<DisconnectCause> cause) {

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(cause, "cause");
    }

    public static CheckResult pass(String check, String measured) {
        return new CheckResult(check, Verdict.PASS, measured, "", Optional.empty());
    }

    public static CheckResult warn(String check, String measured, String fix) {
        return new CheckResult(check, Verdict.WARN, measured, fix, Optional.empty());
    }

    public static CheckResult fail(String check, String measured, String fix) {
        return new CheckResult(check, Verdict.FAIL, measured, fix, Optional.empty());
    }

    /** A FAIL whose fix is the cause's own explanation. */
    public static CheckResult fail(String check, DisconnectCause cause, String measured) {
        return new CheckResult(check, Verdict.FAIL, measured, cause.explanation(), Optional.of(cause));
    }

    public static CheckResult skipped(String check, String reason) {
        return new CheckResult(check, Verdict.SKIPPED, reason, "", Optional.empty());
    }

    /** One line: {@code FAIL  tls-handshake  <measured> [cause=x] fix: <fix>}. */
    public String line() {
        StringBuilder line = new StringBuilder(String.format("%-7s %-15s %s", verdict, check, measured));
        cause.ifPresent(c -> line.append(" [cause=").append(c.label()).append(']'));
        if (!fix.isEmpty()) {
            line.append(" -- fix: ").append(fix);
        }
        return line.toString();
    }

    /** The result as a JSON object: check, verdict, measured, fix, cause (label or null). */
    public ObjectNode json() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("check", check);
        node.put("verdict", verdict.name());
        node.put("measured", measured);
        node.put("fix", fix);
        node.put("cause", cause.map(DisconnectCause::label).orElse(null));
        return node;
    }
}
