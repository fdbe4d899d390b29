package io.graphagent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The type of a configuration value: how its text parses and formats, and the accepted
 * form named in error messages. Instances are stateless and thread-safe.
 *
 * @param name short name of the type for docs, e.g. {@code duration}
 * @param expected the accepted form, e.g. "a number with a unit ..."
 * @param <T> the Java type of the value
 */
public record ValueType<T>(String name, String expected, Function<String, T> parser, Function<T, String> formatter) {

    /** {@link Duration}s in the {@link DurationFormat} syntax. */
    public static final ValueType<Duration> DURATION =
            new ValueType<>("duration", DurationFormat.EXPECTED, DurationFormat::parse, DurationFormat::format);

    /** Byte counts in the {@link DataSize} syntax. */
    public static final ValueType<Long> SIZE =
            new ValueType<>("size", DataSize.EXPECTED, DataSize::parse, DataSize::format);

    /** Whole numbers. */
    public static final ValueType<Integer> INTEGER =
            new ValueType<>("integer", "a whole number, e.g. 10", ValueType::parseInt, String::valueOf);

    /** Decimal numbers. */
    public static final ValueType<Double> NUMBER =
            new ValueType<>("number", "a number, e.g. 2 or 1.5", ValueType::parseDouble, ValueType::formatDouble);

    /** {@code true} or {@code false}. */
    public static final ValueType<Boolean> BOOLEAN =
            new ValueType<>("boolean", "true or false", ValueType::parseBoolean, String::valueOf);

    /** Any text. */
    public static final ValueType<String> STRING =
            new ValueType<>("string", "text", Function.identity(), Function.identity());

    /** {@code host:port} addresses. */
    public static final ValueType<HostPort> ADDRESS =
            new ValueType<>("host:port", HostPort.EXPECTED, HostPort::parse, HostPort::toString);

    /** Comma-separated {@code host:port} addresses (at least one). */
    public static final ValueType<java.util.List<HostPort>> ADDRESS_LIST =
            new ValueType<>("host:port[,host:port...]", HostPort.EXPECTED + ", several separated by commas",
                    ValueType::parseAddresses, list -> String.join(",", list.stream().map(HostPort::toString).toList()));

    /** Comma-separated etcd client URLs (possibly none). */
    public static final ValueType<java.util.List<String>> URL_LIST =
            new ValueType<>("URL[,URL...]", EtcdConfig.EXPECTED, EtcdConfig::parseEndpoints, list -> String.join(",", list));

    /** {@link StoreKind} by its configuration name. */
    public static final ValueType<StoreKind> STORE_KIND =
            new ValueType<>("local | etcd", StoreKind.EXPECTED, StoreKind::parse, StoreKind::configName);

    /** {@link CheckpointStorage} by its configuration name. */
    public static final ValueType<CheckpointStorage> CHECKPOINT_STORAGE =
            new ValueType<>("shared | peer-copy", CheckpointStorage.EXPECTED, CheckpointStorage::parse,
                    CheckpointStorage::configName);

    /** {@link InputTransfer} by its configuration name. */
    public static final ValueType<InputTransfer> INPUT_TRANSFER =
            new ValueType<>("auto | shared | stream", InputTransfer.EXPECTED, InputTransfer::parse, InputTransfer::configName);

    /** {@link Rebalance} by its configuration name. */
    public static final ValueType<Rebalance> REBALANCE =
            new ValueType<>("on-join | never", Rebalance.EXPECTED, Rebalance::parse, Rebalance::configName);

    /** {@link UserPrograms} by its configuration name. */
    public static final ValueType<UserPrograms> USER_PROGRAMS =
            new ValueType<>("allow | deny", UserPrograms.EXPECTED, UserPrograms::parse, UserPrograms::configName);

    /** {@link QueryRouting} by its configuration name. */
    public static final ValueType<QueryRouting> QUERY_ROUTING =
            new ValueType<>("heat | round-robin", QueryRouting.EXPECTED, QueryRouting::parse, QueryRouting::configName);

    /** File system paths (relative ones against the working directory). */
    public static final ValueType<Path> PATH =
            new ValueType<>("path", "a file system path", ValueType::parsePath, Path::toString);

    /** Lists of file system paths, separated by commas: {@code /data/graphs, /srv/shared}. */
    public static final ValueType<List<Path>> PATHS =
            new ValueType<>("paths", "file system paths separated by commas, e.g. /data/graphs, /tmp", ValueType::parsePaths,
                    ValueType::formatPaths);

    /**
     * Parses text into a value.
     *
     * @throws IllegalArgumentException with a message naming what is wrong and the accepted form
     */
    public T parse(String text) {
        return parser.apply(text);
    }

    /** The value in the syntax {@link #parse} accepts. */
    public String format(T value) {
        return formatter.apply(value);
    }

    private static java.util.List<HostPort> parseAddresses(String text) {
        java.util.List<HostPort> list = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                list.add(HostPort.parse(part));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no address; expected " + HostPort.EXPECTED);
        }
        return java.util.List.copyOf(list);
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a whole number");
        }
    }

    private static double parseDouble(String text) {
        try {
            double d = Double.parseDouble(text.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a finite number");
        }
    }

    private static String formatDouble(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text.trim() + "' is not true or false");
        };
    }

    private static List<Path> parsePaths(String text) {
        List<Path> paths = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("'" + text.trim() + "' has an empty path between commas");
            }
            paths.add(parsePath(part));
        }
        return List.copyOf(paths);
    }

    private static String formatPaths(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    private static Path parsePath(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty path");
        }
        try {
            return Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
