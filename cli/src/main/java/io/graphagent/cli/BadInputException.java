package io.graphagent.cli;

/**
 * The user asked for something that cannot work as given (a missing option that the graph's
 * properties do not supply either, a source vertex not in the graph, ...). Exit code 2; the
 * message says what is wrong and the fix, in one line.
 */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String problem, String fix) {
        super(problem + ". Fix: " + fix);
    }

    /** For a message that already says the fix. */
    BadInputException(String message) {
        super(message);
    }
}
