package io.graphagent.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of configuration files and environment overrides: a number and a
 * unit with no space, e.g. {@code 200ms}, {@code 5s}, {@code 1.5s}, {@code 2m},
 * {@code 1h}, or a sum without spaces such as {@code 1m30s}. Units: {@code ns},
 * {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. A bare {@code 0}
 * is zero; any other number without a unit is refused, because a reader cannot tell
 * whether {@code 5} meant seconds or milliseconds.
 */
public final class DurationFormat {

    /** The accepted form, for error messages. */
    public static final String EXPECTED =
            "a number with a unit and no space, e.g. 500ms, 5s, 1.5s, 2m, 1h (units ns, us, ms, s, m, h, d)";

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ns|us|ms|s|m|h|d))+");

    private DurationFormat() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming what is wrong (a space, a missing or unknown
     *     unit) and the accepted form
     */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException(reason(s) + "; expected " + EXPECTED);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            BigDecimal nanos = amount.multiply(BigDecimal.valueOf(nanosPer(m.group(2))));
            try {
                total = total.plusNanos(nanos.longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + s + "' is too long or not a whole number of nanoseconds; expected " + EXPECTED);
            }
        }
        return total;
    }

    private static String reason(String s) {
        if (s.isEmpty()) {
            return "empty value";
        }
        if (s.matches("-.*")) {
            return "'" + s + "' is negative";
        }
        if (s.matches("\\d+(\\.\\d+)?")) {
            return "'" + s + "' has no unit (write " + s + "s or " + s + "ms)";
        }
        if (s.matches("\\d+(\\.\\d+)?\\s+\\S+")) {
            return "'" + s + "' has a space between number and unit (write " + s.replaceAll("\\s+", "") + ")";
        }
        return "'" + s + "' is not a duration";
    }

    private static long nanosPer(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
    }

    /**
     * Formats a duration in the largest unit that states it exactly, e.g. {@code 3s},
     * {@code 1500ms}, {@code 2m}; the result parses back to the same value.
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toSeconds() + "s";
        }
        if (nanos == 0) {
            return "0s";
        }
        String[] units = {"d", "h", "m", "s", "ms", "us"};
        for (String unit : units) {
            long per = nanosPer(unit);
            if (nanos % per == 0) {
                return (nanos / per) + unit;
            }
        }
        return nanos + "ns";
    }
}
