package io.graphagent.cli;

import io.graphagent.config.ConfigException;
import io.graphagent.config.ConfigLoader;
import io.graphagent.config.GraphagentConfig;
import io.graphagent.config.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of the cluster commands: the YAML file of docs/configuration.md, read
 * with its profile and the {@code GRAPHAGENT_*} environment overrides. Command-line flags are
 * applied over the result by each command.
 */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (YAML, see docs/configuration.md). Default: the built-in defaults "
                    + "(profile lan) with GRAPHAGENT_* environment overrides. Flags win over the file.")
    Path file;

    /** The file given, or null. */
    Path file() {
        return file;
    }

    /** Loads {@code --config} (or the defaults) with the process environment. */
    GraphagentConfig load() {
        return load(file, System.getenv());
    }

    /**
     * @param file the file, or null for the defaults
     * @throws BadInputException naming the first problem and how many more there are
     */
    static GraphagentConfig load(Path file, Map<String, String> env) {
        try {
            return ConfigLoader.load(file, env);
        } catch (ConfigException e) {
            List<Problem> problems = e.problems();
            String where = file == null ? "the environment" : file.toString();
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
            String check = file == null ? "graphagent config check" : "graphagent config check " + file;
            throw new BadInputException("invalid configuration in " + where + more + ": " + problems.get(0).render()
                    + " Run `" + check + "` for every problem");
        }
    }
}
