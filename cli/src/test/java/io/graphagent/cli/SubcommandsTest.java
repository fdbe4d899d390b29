package io.graphagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

class SubcommandsTest {
    @Test
    void theFirstWordChoosesTheCommandToBuild() {
        assertThat(Subcommands.chosen("run", "-a", "bfs")).containsExactly("run");
        assertThat(Subcommands.chosen("--debug", "generate", "rmat")).containsExactly("generate");
        assertThat(Subcommands.chosen("help", "submit")).containsExactlyInAnyOrder("help", "submit");
        assertThat(Subcommands.chosen("help", "help")).containsExactly("help");
        assertThat(Subcommands.chosen()).isEmpty();
        assertThat(Subcommands.chosen("--help")).isEmpty();
        assertThat(Subcommands.chosen("--debug", "-V")).isEmpty();
    }

    @Test
    void wordsThatDoNotNameACommandBuildThemAll() {
        assertThat(Subcommands.chosen("@args.txt")).isNull();
        assertThat(Subcommands.chosen("rn")).isNull();
        assertThat(Subcommands.chosen("--help", "run")).isNull();
    }

    @Test
    void onlyTheChosenCommandIsBuiltAndTheOthersAreStandIns() {
        CommandLine cmd = Main.commandLine("run", "--help");

        assertThat(cmd.getSubcommands().get("run").getCommandSpec().userObject()).isInstanceOf(RunCommand.class);
        assertThat(cmd.getSubcommands().get("status").getCommandSpec().userObject()).as("a stand-in has no command object").isNull();
        assertThat(cmd.getSubcommands().keySet()).containsExactlyElementsOf(Main.commandLine("rn").getSubcommands().keySet());
    }

    @Test
    void topLevelUsageWithStandInsIsTheUsageWithEveryCommandBuilt() {
        String withStandIns = Main.commandLine("--help").getUsageMessage(Ansi.OFF);
        String allBuilt = Main.commandLine("not-a-command").getUsageMessage(Ansi.OFF);

        assertThat(withStandIns).isEqualTo(allBuilt).contains("Commands:", "  run ", "  log-level ", "  help ");
    }

    @Test
    void helpAboutACommandShowsItsRealOptions() {
        Cli.Result r = Cli.run("help", "run");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: graphagent run").contains("--memory-figures", "Exit codes:");
    }
}
