package io.graphagent.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One key of the configuration file, e.g. {@code session.lease-ttl}: its path, type and
 * where its value lives in {@link GraphagentConfig}.
 *
 * @param path dotted path of the key in the YAML file
 * @param type the value's type
 * @param optional true when the key may be unset (the getter then returns null)
 * @param getter reads the value from a configuration; null when unset
 * @param <T> the Java type of the value
 */
public record ConfigKey<T>(String path, ValueType<T> type, boolean optional, Function<GraphagentConfig, T> getter) {

    /** Prefix of every environment override. */
    public static final String ENV_PREFIX = "GRAPHAGENT_";

    public ConfigKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(getter, "getter");
    }

    /**
     * The environment variable that overrides this key: {@code GRAPHAGENT_} and the path in
     * upper case with dots and dashes as underscores, e.g. {@code GRAPHAGENT_SESSION_LEASE_TTL}.
     */
    public String envName() {
        return envName(path);
    }

    /** The environment variable name for a dotted path. */
    public static String envName(String path) {
        return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The section: the first part of the path, e.g. {@code session}. */
    public String section() {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /** This key's value in {@code config}, formatted; empty when unset. */
    public String formatted(GraphagentConfig config) {
        T value = getter.apply(config);
        return value == null ? "" : type.format(value);
    }
}
