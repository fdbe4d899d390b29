package io.graphagent.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, found while loading it or by {@link ConfigCheck}.
 *
 * @param severity ERROR: the process would fail or misbehave; WARNING: it works, but
 *     probably not as meant
 * @param key the dotted key path the problem is about (for a bad environment override,
 *     the key it overrides)
 * @param message what is wrong, naming the values (and where they come from: file line,
 *     environment variable)
 * @param fix what to change; empty when there is nothing specific to say
 */
public record Problem(Severity severity, String key, String message, String fix) {

    /** How bad a problem is. */
    public enum Severity { ERROR, WARNING }

    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    public static Problem error(String key, String message, String fix) {
        return new Problem(Severity.ERROR, key, message, fix);
    }

    public static Problem warning(String key, String message, String fix) {
        return new Problem(Severity.WARNING, key, message, fix);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * One line: {@code ERROR session.lease-ttl: 2s is less than ... Fix: set ...}.
     */
    public String render() {
        StringBuilder line = new StringBuilder().append(severity).append(' ').append(key).append(": ").append(message);
        endSentence(line);
        if (!fix.isEmpty()) {
            line.append(" Fix: ").append(fix);
            endSentence(line);
        }
        return line.toString();
    }

    private static void endSentence(StringBuilder line) {
        char last = line.charAt(line.length() - 1);
        if (last != '.' && last != '?' && last != '!') {
            line.append('.');
        }
    }

    @Override
    public String toString() {
        return render();
    }
}
