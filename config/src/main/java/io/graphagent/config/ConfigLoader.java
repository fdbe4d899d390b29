package io.graphagent.config;

import io.graphagent.config.YamlTree.Entry;
import io.graphagent.config.YamlTree.Mapping;
import io.graphagent.config.YamlTree.Node;
import io.graphagent.config.YamlTree.Scalar;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a configuration: the profile's defaults, then the YAML file over them, then
 * environment overrides over both ({@code GRAPHAGENT_SESSION_LEASE_TTL=10s}: section and
 * key, upper case, dots and dashes as underscores). The profile comes from
 * {@code GRAPHAGENT_PROFILE}, else the file's top-level {@code profile} key, else
 * {@code lan}.
 *
 * <p>Strict: an unknown key is an error naming its path and line with a did-you-mean
 * suggestion (a removed key's error says when and why it went, {@link RemovedKeys}), a value
 * of the wrong form names the key, the line and the accepted form, and a bad environment
 * value names the variable. Loading goes on after a problem so that every problem of a file is
 * reported at once. Stateless and thread-safe.
 */
public final class ConfigLoader {

    /** The environment variable choosing the profile. */
    public static final String PROFILE_ENV = ConfigKey.ENV_PREFIX + "PROFILE";

    private ConfigLoader() {
    }

    /**
     * The outcome of reading a configuration.
     *
     * @param config the configuration; where a value was bad, the profile default stands in
     * @param problems load problems (all ERROR), in file order then environment order
     * @param source the file read (or "defaults" without a file), for messages
     * @param failedKeys paths of keys whose given value was refused
     * @param readable false when the file could not be read or is not YAML: then
     *     {@code config} holds only defaults and the environment, and checking it says
     *     nothing about the file
     */
    public record Result(GraphagentConfig config, List<Problem> problems, String source, Set<String> failedKeys,
                         boolean readable) {
        public Result {
            problems = List.copyOf(problems);
            failedKeys = Set.copyOf(failedKeys);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }
    }

    /**
     * Loads a configuration for a process to run with.
     *
     * @param file the YAML file; null for the defaults and the environment only
     * @param env the environment (usually {@code System.getenv()})
     * @throws ConfigException with every problem found, if any
     */
    public static GraphagentConfig load(Path file, Map<String, String> env) throws ConfigException {
        Result result = read(file, env);
        if (result.hasErrors()) {
            throw new ConfigException(result.source(), result.problems());
        }
        return result.config();
    }

    /**
     * Reads a configuration and collects its problems instead of throwing, for
     * {@code config check}.
     *
     * @param file the YAML file; null for the defaults and the environment only
     */
    public static Result read(Path file, Map<String, String> env) {
        if (file == null) {
            return read("", "defaults", env);
        }
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return fileProblem(source, env, "file not found",
                    "pass the path of an existing file, or leave out --config to use the defaults");
        } catch (CharacterCodingException e) {
            return fileProblem(source, env, "not UTF-8 text", "save the file as UTF-8");
        } catch (IOException e) {
            return fileProblem(source, env, "cannot read: " + e, "check that the file is readable by this user");
        }
        return read(text, source, env);
    }

    /**
     * Reads a configuration from YAML text.
     *
     * @param source where the text came from, for messages (e.g. the file path)
     */
    public static Result read(String yaml, String source, Map<String, String> env) {
        return new Reader(source, env).read(yaml);
    }

    private static Result fileProblem(String source, Map<String, String> env, String message, String fix) {
        Result fromEnv = read("", source, env);
        List<Problem> problems = new ArrayList<>();
        problems.add(Problem.error(source, message, fix));
        problems.addAll(fromEnv.problems());
        return new Result(fromEnv.config(), problems, source, fromEnv.failedKeys(), false);
    }

    /** One read: collects values and problems. */
    private static final class Reader {
        private final String source;
        private final Map<String, String> env;
        private final List<Problem> problems = new ArrayList<>();
        private final Set<String> failed = new LinkedHashSet<>();
        private final Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        private boolean readable = true;

        Reader(String source, Map<String, String> env) {
            this.source = source;
            this.env = new TreeMap<>(env);
        }

        Result read(String yaml) {
            Mapping root;
            try {
                root = YamlTree.parse(yaml);
            } catch (YamlTree.SyntaxException e) {
                String where = e.location() == null ? "" : " (" + e.location() + ", column " + e.location().column() + ")";
                problems.add(Problem.error(source, e.getMessage() + where, e.fix()));
                readable = false;
                root = new Mapping(List.of(), new YamlTree.Location(1, 1));
            }
            Profile profile = profile(root);
            GraphagentConfig defaults = profile.defaults();
            for (ConfigKey<?> key : ConfigKeys.ALL) {
                values.put(key, key.getter().apply(defaults));
            }
            walk(root, "");
            applyEnvironment();
            return new Result(ConfigKeys.assemble(profile, values), problems, source, failed, readable);
        }

        private Profile profile(Mapping root) {
            String fromEnv = env.get(PROFILE_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                try {
                    return Profile.parse(fromEnv);
                } catch (IllegalArgumentException e) {
                    problems.add(Problem.error(ConfigKeys.PROFILE, "environment variable " + PROFILE_ENV + ": " + e.getMessage(),
                            "set " + PROFILE_ENV + " to lan, wan or test, or unset it"));
                    return Profile.LAN;
                }
            }
            for (Entry e : root.entries()) {
                if (e.key().equals(ConfigKeys.PROFILE)) {
                    if (e.value() instanceof Scalar s && !s.isNull()) {
                        try {
                            return Profile.parse(s.text());
                        } catch (IllegalArgumentException ex) {
                            problems.add(Problem.error(ConfigKeys.PROFILE, ex.getMessage() + " (" + s.location() + ")",
                                    "write 'profile: lan', 'profile: wan' or 'profile: test'"));
                        }
                    } else {
                        problems.add(Problem.error(ConfigKeys.PROFILE, "expected lan, wan or test, found "
                                + e.value().kind() + " (" + e.keyLocation() + ")", "write 'profile: lan', 'profile: wan' or 'profile: test'"));
                    }
                    return Profile.LAN;
                }
            }
            return Profile.LAN;
        }

        private void walk(Mapping mapping, String prefix) {
            Map<String, Entry> seen = new HashMap<>();
            for (Entry entry : mapping.entries()) {
                String path = prefix.isEmpty() ? entry.key() : prefix + "." + entry.key();
                Entry previous = seen.putIfAbsent(entry.key(), entry);
                if (previous != null) {
                    problems.add(Problem.error(path, "appears twice (" + previous.keyLocation() + " and "
                            + entry.keyLocation() + "); the later one would silently win", "keep one of them"));
                    failed.add(path);
                    continue;
                }
                if (path.equals(ConfigKeys.PROFILE)) {
                    continue;
                }
                Optional<ConfigKey<?>> key = ConfigKeys.byPath(path);
                if (key.isPresent()) {
                    assign(key.get(), entry);
                } else if (ConfigKeys.isSection(path)) {
                    Node value = entry.value();
                    if (value instanceof Mapping section) {
                        walk(section, path);
                    } else if (!(value instanceof Scalar s && s.isNull())) {
                        problems.add(Problem.error(path, "must be a mapping of keys, found " + value.kind()
                                + " (" + entry.keyLocation() + ")", "indent its keys under '" + entry.key() + ":'"
                                + " e.g. " + exampleUnder(path)));
                        failed.add(path);
                    }
                } else {
                    unknown(path, entry);
                }
            }
        }

        private <T> void assign(ConfigKey<T> key, Entry entry) {
            Node node = entry.value();
            if (!(node instanceof Scalar scalar)) {
                problems.add(Problem.error(key.path(), "expected " + key.type().expected() + ", found " + node.kind()
                        + " (" + entry.keyLocation() + ")", "write a single value, e.g. " + example(key)));
                failed.add(key.path());
                return;
            }
            if (scalar.isNull()) {
                if (key.optional()) {
                    values.put(key, null);
                } else {
                    problems.add(Problem.error(key.path(), "has no value (" + entry.keyLocation() + ")",
                            "give a value, e.g. " + example(key) + ", or remove the line to use the default"));
                    failed.add(key.path());
                }
                return;
            }
            try {
                values.put(key, key.type().parse(scalar.text()));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(key.path(), withoutExpected(e, key) + " (" + scalar.location() + ")",
                        "write " + key.type().expected()));
                failed.add(key.path());
            }
        }

        private void unknown(String path, Entry entry) {
            Optional<String> removed = RemovedKeys.why(path);
            if (removed.isPresent()) {
                problems.add(Problem.error(path, removed.get() + " (" + entry.keyLocation() + ")",
                        "delete its line ('" + entry.key() + ":'); nothing replaces it"));
                return;
            }
            Set<String> known = ConfigKeys.knownPaths();
            Optional<String> suggestion = Suggestions.closest(path, known);
            String fix = suggestion.map(s -> "did you mean " + s + "?")
                    .orElse("remove it; see docs/configuration.md for the keys of each section");
            problems.add(Problem.error(path, "unknown key (" + entry.keyLocation() + ", column "
                    + entry.keyLocation().column() + ")", fix));
        }

        private void applyEnvironment() {
            Map<String, ConfigKey<?>> byEnv = new HashMap<>();
            Set<String> sectionPrefixes = new LinkedHashSet<>();
            for (ConfigKey<?> key : ConfigKeys.ALL) {
                byEnv.put(key.envName(), key);
                sectionPrefixes.add(ConfigKey.envName(key.section()) + "_");
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                String name = e.getKey();
                if (!name.startsWith(ConfigKey.ENV_PREFIX) || name.equals(PROFILE_ENV)) {
                    continue;
                }
                ConfigKey<?> key = byEnv.get(name);
                Optional<String> removed = RemovedKeys.ofEnvironment(name);
                if (key != null) {
                    assignFromEnv(key, name, e.getValue());
                } else if (removed.isPresent()) {
                    problems.add(Problem.error(removed.get(), "environment variable " + name + ": "
                            + removed.get() + " " + RemovedKeys.why(removed.get()).orElseThrow(),
                            "unset " + name + "; nothing replaces it"));
                } else if (sectionPrefixes.stream().anyMatch(name::startsWith)) {
                    Optional<String> suggestion = Suggestions.closest(name, byEnv.keySet());
                    problems.add(Problem.error(name, "environment variable " + name + " overrides no configuration key",
                            suggestion.map(s -> "did you mean " + s + "?").orElse("unset it; see docs/configuration.md")));
                }
                // Other GRAPHAGENT_* variables (GRAPHAGENT_JAVA_OPTS, ...) belong to the launcher.
            }
        }

        private <T> void assignFromEnv(ConfigKey<T> key, String name, String value) {
            if (value.isBlank()) {
                if (key.optional()) {
                    values.put(key, null);
                    return;
                }
                if (key.type() != ValueType.STRING) {
                    problems.add(Problem.error(key.path(), "environment variable " + name + " is empty",
                            "set " + name + " to " + key.type().expected() + ", or unset it"));
                    failed.add(key.path());
                    return;
                }
            }
            try {
                values.put(key, key.type().parse(value));
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(key.path(), "environment variable " + name + ": " + withoutExpected(e, key),
                        "set " + name + " to " + key.type().expected()));
                failed.add(key.path());
            }
        }

        /** The parser's message without the accepted form, which the fix states. */
        private static String withoutExpected(IllegalArgumentException e, ConfigKey<?> key) {
            return e.getMessage().replace("; expected " + key.type().expected(), "");
        }

        private String example(ConfigKey<?> key) {
            GraphagentConfig lan = Profile.LAN.defaults();
            String formatted = key.formatted(lan);
            return formatted.isEmpty() ? exampleValue(key.type()) : formatted;
        }

        private static String exampleValue(ValueType<?> type) {
            if (type == ValueType.DURATION) {
                return "30s";
            }
            if (type == ValueType.PATH) {
                return "/etc/graphagent/ca.pem";
            }
            if (type == ValueType.ADDRESS) {
                return "10.0.0.5:7500";
            }
            return "a value";
        }

        private String exampleUnder(String section) {
            return ConfigKeys.ALL.stream().filter(k -> k.path().startsWith(section + "."))
                    .findFirst()
                    .map(k -> "'" + k.path().substring(section.length() + 1) + ": " + example(k) + "'")
                    .orElse("");
        }
    }
}
