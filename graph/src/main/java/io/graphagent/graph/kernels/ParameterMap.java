package io.graphagent.graph.kernels;

import io.graphagent.api.ParameterException;
import io.graphagent.api.Parameters;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link Parameters} of one job, from {@code --param key=value} pairs. Remembers which keys
 * the program read, so that a key given but never read (a typo) is refused by
 * {@link #checkAllRead} before the run. Used by one thread, while the program is configured.
 */
public final class ParameterMap implements Parameters {
    private final Map<String, String> values;
    private final Set<String> read = new TreeSet<>();

    /** @param values key to value text, as given */
    public ParameterMap(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Parses {@code key=value} pairs (as given to {@code --param}).
     *
     * @throws ParameterException naming the pair when it has no {@code =}, an empty key, or a
     *     key given twice
     */
    public static ParameterMap parse(Iterable<String> pairs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(pair, "parameter '" + pair + "' is not key=value: pass e.g. --param source=1");
            }
            String key = pair.substring(0, eq).trim();
            if (values.put(key, pair.substring(eq + 1).trim()) != null) {
                throw new ParameterException(key, "parameter '" + key + "' is given twice: pass it once");
            }
        }
        return new ParameterMap(values);
    }

    /** The parameters as given; unmodifiable. */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * @throws ParameterException naming the first key given but never read by {@code program}
     */
    public void checkAllRead(String program) {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new ParameterException(key, "parameter '" + key + "' is not one " + program + " reads"
                        + (read.isEmpty() ? " (it reads none)" : " (it reads " + String.join(", ", read) + ")")
                        + ": check its spelling or drop it");
            }
        }
    }

    @Override
    public boolean has(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    @Override
    public long getLong(String key) {
        return parseLong(key, required(key));
    }

    @Override
    public long getLong(String key, long fallback) {
        String text = optional(key);
        return text == null ? fallback : parseLong(key, text);
    }

    @Override
    public double getDouble(String key) {
        return parseDouble(key, required(key));
    }

    @Override
    public double getDouble(String key, double fallback) {
        String text = optional(key);
        return text == null ? fallback : parseDouble(key, text);
    }

    @Override
    public String getString(String key) {
        return required(key);
    }

    @Override
    public String getString(String key, String fallback) {
        String text = optional(key);
        return text == null ? fallback : text;
    }

    private String required(String key) {
        String text = optional(key);
        if (text == null) {
            throw new ParameterException(key, "parameter '" + key + "' is required but not given: pass --param " + key + "=VALUE");
        }
        return text;
    }

    private String optional(String key) {
        read.add(key);
        return values.get(key);
    }

    private static long parseLong(String key, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ParameterException(key, "parameter '" + key + "' = '" + text + "' is not a whole number (long):"
                    + " pass e.g. --param " + key + "=42");
        }
    }

    private static double parseDouble(String key, String text) {
        try {
            double value = Double.parseDouble(text);
            if (Double.isNaN(value)) {
                throw new NumberFormatException("NaN");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ParameterException(key, "parameter '" + key + "' = '" + text + "' is not a number (double):"
                    + " pass e.g. --param " + key + "=0.85");
        }
    }
}
