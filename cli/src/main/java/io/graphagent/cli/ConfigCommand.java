package io.graphagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graphagent config}: configuration tooling; each action is a subcommand. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Configuration files of the coordinator and the agents (see docs/configuration.md).",
        subcommands = ConfigCheckCommand.class)
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "config needs an action: check");
    }
}
