package io.graphagent.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration could not be loaded: the file is unreadable or not YAML, or keys are
 * unknown or have values of the wrong form. Carries every such problem, not just the first.
 */
public final class ConfigException extends Exception {

    private final List<Problem> problems;

    public ConfigException(String source, List<Problem> problems) {
        super("invalid configuration " + source + ":\n" + problems.stream().map(Problem::render)
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order found (file order, then the environment). */
    public List<Problem> problems() {
        return problems;
    }
}
