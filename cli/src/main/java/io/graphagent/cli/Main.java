package io.graphagent.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code graphagent} command: parses the command line and dispatches to one class per
 * subcommand ({@link Subcommands}). Every failure reaches the user as one line, {@code graphagent: <message>},
 * with exit code 1 (failure while running), 2 (bad usage or bad input) or, for the commands
 * that talk to a cluster, 3 (refused by the cluster); see {@link FailureHandler}.
 */
@Command(name = "graphagent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Graph processing: load a graph, run the LDBC Graphalytics kernels (BFS, PageRank, WCC, "
                + "CDLP, LCC, SSSP) on it in one process or on a cluster of graph agents, generate Graph500 graphs.")
public final class Main implements Callable<Integer> {
    /** Environment variable that, when set to a non-empty value, adds stack traces to failures. */
    static final String DEBUG_ENV = "GRAPHAGENT_DEBUG";

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure (also: environment variable " + DEBUG_ENV + "=1).")
    boolean debug;

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine(args).execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("graphagent: out of memory (max heap " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB). Fix: give the JVM more heap, e.g. GRAPHAGENT_JAVA_OPTS=-Xmx16g ./graphagent ...");
            code = 1;
        }
        System.exit(code);
    }

    /**
     * A configured command line to execute {@code args} on: the commands {@code args} cannot
     * reach are stand-ins that only show in the usage (see {@link Subcommands}). Tests call
     * {@code execute(args)} on it with their own out/err writers.
     */
    public static CommandLine commandLine(String... args) {
        // Picocli otherwise looks for Groovy's Closure class on every start: a failed class lookup in
        // the whole jar, for a feature graphagent never uses.
        System.setProperty("picocli.disable.closures", "true");
        CommandLine cmd = new CommandLine(new Main());
        Subcommands.addTo(cmd, args);
        FailureHandler handler = new FailureHandler();
        cmd.setExecutionExceptionHandler(handler);
        cmd.setParameterExceptionHandler(handler);
        documentExitCodes(cmd);
        giveVersion(cmd);
        return cmd;
    }

    /** {@code --version} on every command prints the same version ({@code run --version} printed nothing). */
    private static void giveVersion(CommandLine cmd) {
        cmd.getCommandSpec().versionProvider(new Version());
        cmd.getSubcommands().values().forEach(Main::giveVersion);
    }

    /** Puts the exit codes in the --help of every command, from one place. */
    private static void documentExitCodes(CommandLine cmd) {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "ok");
        codes.put("1", "failure while running");
        codes.put("2", "bad usage or bad input (the message names the option, file or line, and the fix)");
        if (cmd.getCommandSpec().userObject() instanceof ClusterCommand) {
            codes.put("3", "refused by the cluster: a fatal reject (protocol version, identity, cluster id) or a "
                    + "certificate or TLS setup the other side refuses; retrying cannot help");
        } else if (cmd.getCommandSpec().userObject() instanceof Main) {
            codes.put("3", "cluster commands only: refused by the cluster for good (protocol version, identity, cluster "
                    + "id, certificate or TLS setup); retrying cannot help");
        }
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cmd.getSubcommands().values().forEach(Main::documentExitCodes);
    }

    /** No command given: the usage on stderr and exit 2, as for any other bad usage (it used to exit 0). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("graphagent: no command given. Fix: name one of the commands above,"
                + " e.g. graphagent demo");
        spec.commandLine().getErr().flush();
        return FailureHandler.EXIT_BAD_INPUT;
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"graphagent " + (v == null ? "development build" : v)};
        }
    }
}
