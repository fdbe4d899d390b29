package io.graphagent.cli;

import io.graphagent.graph.load.GraphInputException;
import io.graphagent.graph.output.OutputException;
import io.graphagent.net.tls.TlsFilesException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns any failure into one line on stderr, {@code graphagent: <message>}, and an exit
 * code: 2 when the user can fix the command or the input (bad option, bad graph file,
 * unwritable output, unusable certificate files), 3 when the cluster refused us for good
 * (see {@link CoordinatorCallException}), 1 for any other failure while running. Stack traces
 * only with {@code --debug} or {@value Main#DEBUG_ENV}.
 */
final class FailureHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_INPUT = 2;
    /** Refused by the cluster: a fatal reject, or a certificate or TLS setup the other side refuses. */
    static final int EXIT_REFUSED = 3;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = oneLine(ex.getMessage()).replaceFirst("^Error: ", "");
        err.println("graphagent: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        if (debug(null)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code = ex instanceof CoordinatorCallException call ? call.exitCode()
                : badInput(ex) ? EXIT_BAD_INPUT : EXIT_FAILURE;
        err.println("graphagent: " + oneLine(describe(ex)));
        if (debug(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static boolean badInput(Exception ex) {
        return ex instanceof BadInputException || ex instanceof GraphInputException || ex instanceof OutputException
                || ex instanceof TlsFilesException;
    }

    /** The message of a failure, with the cause's message when the failure has none of its own. */
    private static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (ex instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            return ex.getCause() != null ? describe(ex.getCause()) : ex.getClass().getSimpleName();
        }
        return message;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\r\n]+\\s*", "; ");
    }

    private static boolean debug(ParseResult parseResult) {
        String env = System.getenv(Main.DEBUG_ENV);
        if (env != null && !env.isEmpty()) {
            return true;
        }
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
