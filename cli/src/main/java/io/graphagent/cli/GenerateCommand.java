package io.graphagent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graphagent generate}: the family of graph generators; each generator is a subcommand. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a synthetic graph in Graphalytics layout (PREFIX.v, PREFIX.e).",
        subcommands = GenerateRmatCommand.class)
final class GenerateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "generate needs a generator: rmat");
    }
}
