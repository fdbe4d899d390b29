package io.graphagent.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The subcommands of {@code graphagent}, added so that a start builds only the command its
 * arguments name. Picocli builds a command's model by reflection over its options and mixins,
 * the largest part of a start (about as much as starting the JVM, for the fifteen commands);
 * every other command gets a stand-in holding just what {@code graphagent --help} lists: its
 * name and description. When the first words do not say which command runs (an
 * {@code @argfile}, an unknown word), every command is built, as picocli would.
 */
final class Subcommands {
    /** In the order {@code graphagent --help} lists them. */
    static final List<Class<?>> ALL = List.of(RunCommand.class, GenerateCommand.class, DemoCommand.class,
            LocalCommand.class, SubmitCommand.class, CancelCommand.class, StatusCommand.class, GraphCommand.class, QueryCommand.class, CoordinatorCommand.class, AgentCommand.class,
            CertsCommand.class, ConfigCommand.class, EventsCommand.class, LogLevelCommand.class,
            DoctorCommand.class, HealthCommand.class, SessionFleetCommand.class, TrainStartCacheCommand.class, CommandLine.HelpCommand.class);
    private static final String HELP = "help";
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    private Subcommands() {
    }

    /** Adds every command to {@code root}: built when {@code args} may run it or show its help, else a stand-in. */
    static void addTo(CommandLine root, String... args) {
        Set<String> built = chosen(args);
        for (Class<?> type : ALL) {
            Command command = type.getAnnotation(Command.class);
            if (built == null || built.contains(command.name())) {
                root.addSubcommand(command.name(), type);
            } else {
                root.addSubcommand(command.name(), standIn(command));
            }
        }
    }

    /**
     * The names of the commands {@code args} can reach: the first word after {@code --debug}
     * (and for {@code help}, the command it asks about); none for the top-level usage and
     * version; {@code null} (all of them) when that cannot be told from the words.
     */
    static Set<String> chosen(String... args) {
        int i = 0;
        while (i < args.length && args[i].equals("--debug")) {
            i++;
        }
        if (i == args.length || (i == args.length - 1 && TOP_LEVEL_OPTIONS.contains(args[i]))) {
            return Set.of();
        }
        String first = args[i];
        if (first.equals(HELP)) {
            return i + 1 < args.length && !args[i + 1].equals(HELP) ? Set.of(HELP, args[i + 1]) : Set.of(HELP);
        }
        for (Class<?> type : ALL) {
            if (type.getAnnotation(Command.class).name().equals(first)) {
                return Set.of(first);
            }
        }
        return null;
    }

    /** What the top-level usage shows of a command: name, aliases, header, description, hidden. */
    private static CommandSpec standIn(Command command) {
        CommandSpec spec = CommandSpec.create().name(command.name()).aliases(command.aliases());
        spec.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
        return spec;
    }
}
