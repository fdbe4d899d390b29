package io.graphagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graphagent certs}: certificate tooling; each action is a subcommand. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Certificates of a cluster (mutual TLS).",
        subcommands = CertsInitCommand.class)
final class CertsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "certs needs an action: init");
    }
}
